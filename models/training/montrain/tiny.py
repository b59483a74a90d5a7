"""A tiny training run end to end, for the tests: a few frames, a few predictor steps, calibration and export.

    cd models/training && /usr/bin/python3 -m montrain.tiny --out /tmp/tiny [--ped2-clip ../../../shared/datasets/ped2/training/01]

Writes three short clips of 360x240 JPEG frames to OUT/data/training/01..03 (synthetic: a textured background with
a few moving dark figures; or, with --ped2-clip, consecutive frames of that clip), then runs montrain.train on them
(clip 01 = profile, 02 = calibration, 03 = held out of the predictor's training) and exports OUT/model/anomaly.onnx
with OUT/model/reference/. The model is useless as a detector; what it checks is that training, calibration and
export run and that the export follows the contract (the C# test TinyTrainingExportTests loads it). Prints one JSON
line: the export's path, its reference folder, the torch twin's max |diff| to the reference, and the seconds taken.
"""
import argparse
import json
import os
import shutil
import time

import cv2
import numpy as np
import torch

from . import export as ex
from . import train

CLIPS = ("01", "02", "03")
FRAMES = 12            # per clip: enough for the synthetic anomalies (they start in the clip's second quarter)
SRC_H, SRC_W = 240, 360


def synthetic_clip(rng, n):
    """n BGR frames 360x240: a fixed smooth texture plus per-frame noise, and 3 dark figures walking sideways."""
    yy, xx = np.mgrid[0:SRC_H, 0:SRC_W].astype(np.float32)
    base = 120 + 40 * np.sin(xx / 23.0) * np.cos(yy / 17.0) + 25 * rng.rand(SRC_H, SRC_W)
    figures = [(rng.uniform(20, 300), rng.uniform(60, 190), rng.choice([-1, 1]) * rng.uniform(1.5, 3.0),
                int(rng.uniform(24, 40))) for _ in range(3)]
    out = []
    for t in range(n):
        img = base + 4 * rng.randn(SRC_H, SRC_W)
        for x, y, v, h in figures:
            x0, y0 = int(x + v * t), int(y)
            img[y0:y0 + h, max(x0, 0):max(x0 + h // 3, 0)] = 40
        g = np.clip(img, 0, 255).astype(np.uint8)
        out.append(cv2.cvtColor(g, cv2.COLOR_GRAY2BGR))
    return out


def write_data(root, ped2_clip=None, seed=0):
    """OUT/data/training/<clip>/NNN.jpg for the three clips; returns the data folder."""
    data = os.path.join(root, "data")
    shutil.rmtree(data, ignore_errors=True)
    rng = np.random.RandomState(seed)
    if ped2_clip:
        names = sorted(n for n in os.listdir(ped2_clip) if n.lower().endswith(".jpg"))[:FRAMES * len(CLIPS)]
        if len(names) < FRAMES * len(CLIPS):
            raise SystemExit(f"{ped2_clip}: {len(names)} frames, need {FRAMES * len(CLIPS)}")
    for k, c in enumerate(CLIPS):
        d = os.path.join(data, "training", c)
        os.makedirs(d)
        if ped2_clip:
            for i, n in enumerate(names[k * FRAMES:(k + 1) * FRAMES]):
                shutil.copyfile(os.path.join(ped2_clip, n), os.path.join(d, f"{i:03d}.jpg"))
        else:
            for i, f in enumerate(synthetic_clip(rng, FRAMES)):
                cv2.imwrite(os.path.join(d, f"{i:03d}.jpg"), f, [cv2.IMWRITE_JPEG_QUALITY, 95])
    return data


def run(out, ped2_clip=None, iters=3, extra=()):
    """The tiny run (extra: more montrain.train arguments); returns {"model", "reference", "reference_max_abs_diff", "seconds", "report"}."""
    t0 = time.time()
    data = write_data(out, ped2_clip)
    model_dir = os.path.join(out, "model")
    report = train.main(["--data", data, "--runs", os.path.join(out, "runs"), "--name", "tiny", "--out", model_dir,
                         "--val-clips", "03", "--cal-clips", "02", "--iters", str(iters), "--batch", "2",
                         "--threads", "1", "--train-threads", "1", "--version", "0",
                         "--model-name", "monitoring-tiny-test", *extra])
    path = os.path.join(model_dir, "anomaly.onnx")
    model, _ = ex.load_onnx_into_torch(path)
    diff = ex.check_reference(model, os.path.join(model_dir, "reference"))
    return {"model": path, "reference": os.path.join(model_dir, "reference"), "reference_max_abs_diff": diff,
            "seconds": round(time.time() - t0, 1), "report": report}


def main():
    p = argparse.ArgumentParser(prog="montrain.tiny", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="work folder (data/, runs/, model/ are written under it)")
    p.add_argument("--ped2-clip", default="", help="take the frames from this clip folder instead of synthetic ones")
    p.add_argument("--iters", type=int, default=3, help="predictor training steps")
    a = p.parse_args()
    torch.set_num_threads(1)
    r = run(os.path.abspath(a.out), a.ped2_clip or None, a.iters)
    print(json.dumps({k: v for k, v in r.items() if k != "report"}))


if __name__ == "__main__":
    main()
