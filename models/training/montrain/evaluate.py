"""Python replica of the C# protocol on UCSD Ped2, for the exported model.

    cd models/training && /usr/bin/python3 -m montrain.evaluate

1. `learn`: run the model over every training frame (causal windows, first-frame padding, dummy
   profile), per-cell mean and population variance of `features` -> the camera profile.
2. `run`: feed every test frame's causal window with that profile; collect `score` and `anomaly_map`.
3. Report micro ROC-AUC over all test frames pooled (raw score, primary), per-clip min-max normalised
   AUC (papers' convention, labelled), per-clip AUC, and a localisation check + heat-map PNGs.
The weights come from models/anomaly.onnx itself (initializers + calibration metadata), after checking
that they reproduce models/reference/ outputs.
"""
import argparse
import json
import os
import time

import cv2
import numpy as np
import torch

from . import data as dt
from . import export as ex
from . import scoring


def parse():
    root = dt.repo_root()
    p = argparse.ArgumentParser(prog="montrain.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=dt.default_data())
    p.add_argument("--model", default=os.path.join(root, "models", "anomaly.onnx"))
    p.add_argument("--runs", default=os.path.join(root, "models", "training", "runs"))
    p.add_argument("--name", default="eval", help="output folder under --runs")
    p.add_argument("--profile-clips", default="", help="training clips for the profile (default: all)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--png", type=int, default=12, help="heat-map PNGs of abnormal frames to write")
    return p.parse_args()


@torch.no_grad()
def run_clip(model, clip, mean, var, batch=32):
    win = dt.causal_windows(clip)
    pm = torch.from_numpy(mean)[None]
    pv = torch.from_numpy(var)[None]
    scores, maps = [], []
    for i in range(0, len(win), batch):
        x = torch.from_numpy(np.ascontiguousarray(win[i:i + batch]))
        n = x.shape[0]
        _, amap, att, score = model(x, pm.expand(n, -1, -1, -1), pv.expand(n, -1, -1, -1))
        scores.append(score.numpy())
        maps.append(amap[:, 0].numpy())
    return np.concatenate(scores), np.concatenate(maps)


def heat_png(path, frame, amap, title):
    img = cv2.cvtColor((frame * 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    hm = cv2.resize(amap, (dt.W, dt.H), interpolation=cv2.INTER_NEAREST)
    col = cv2.applyColorMap((hm * 255).astype(np.uint8), cv2.COLORMAP_JET)
    out = cv2.addWeighted(img, 0.6, col, 0.4, 0)
    cy, cx = np.unravel_index(np.argmax(amap), amap.shape)
    cv2.rectangle(out, (cx * dt.CELL, cy * dt.CELL), (cx * dt.CELL + dt.CELL - 1, cy * dt.CELL + dt.CELL - 1),
                  (255, 255, 255), 1)
    out = cv2.resize(out, (dt.W * 2, dt.H * 2), interpolation=cv2.INTER_NEAREST)
    cv2.putText(out, title, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1)
    cv2.imwrite(path, out)


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    out_dir = os.path.join(args.runs, args.name)
    os.makedirs(out_dir, exist_ok=True)
    model, meta = ex.load_onnx_into_torch(args.model)
    ref_err = ex.check_reference(model, os.path.join(os.path.dirname(args.model), "reference"))
    window = int(meta.get("score_window", "1"))
    print(f"model {meta['model_name']} v{meta['model_version']} input {meta['input_size']}; "
          f"reference max|diff| {ref_err:.2e}; frame score = mean over {window} frame(s)")

    t0 = time.time()
    train = dt.load_split(args.data, "training", cache_dir=args.runs)
    names = args.profile_clips.split(",") if args.profile_clips else sorted(train)
    mean, var = scoring.welford_profile([scoring.clip_features(model, train[c]) for c in names])
    print(f"profile from training clips {names[0]}..{names[-1]} "
          f"({sum(len(train[c]) for c in names)} frames) in {time.time() - t0:.0f}s")

    test = dt.load_split(args.data, "testing", cache_dir=args.runs)
    labels = json.load(open(os.path.join(args.data, "testing", "labels.json")))
    all_s, all_y, norm_s, res = [], [], [], {}
    maps = {}
    for c, clip in test.items():
        y = np.zeros(len(clip), bool)
        for a, b in labels[c]["abnormal"]:
            y[a:b + 1] = True
        s, m = run_clip(model, clip, mean, var)
        s = scoring.smooth_scores(s, window, "exponential")  # the daemon's frame score (score_window; decision 0023)
        maps[c] = m
        all_s.append(s); all_y.append(y)
        norm_s.append((s - s.min()) / max(s.max() - s.min(), 1e-12))
        res[c] = {"auc": scoring.auc(s, y) if 0 < y.sum() < len(y) else None,
                  "normal_score_median": float(np.median(s[~y])) if (~y).any() else None,
                  "abnormal_score_median": float(np.median(s[y]))}
    s, y, sn = np.concatenate(all_s), np.concatenate(all_y), np.concatenate(norm_s)
    micro = scoring.auc(s, y)
    micro_norm = scoring.auc(sn, y)

    # localisation: does the top cell of an abnormal frame sit on moving foreground, and on the object
    # that makes the frame abnormal? Without pixel masks we check (a) motion in the top cell's 3x3
    # neighbourhood and (b) PNGs to inspect by eye.
    on_motion, n_ab = 0, 0
    for c, clip in test.items():
        for t in np.where(np.concatenate([np.zeros(0, bool)] + [all_y[list(test).index(c)]]))[0]:
            if t == 0:
                continue
            cy, cx = np.unravel_index(np.argmax(maps[c][t]), maps[c][t].shape)
            y0, y1 = max(0, (cy - 1) * dt.CELL), (cy + 2) * dt.CELL
            x0, x1 = max(0, (cx - 1) * dt.CELL), (cx + 2) * dt.CELL
            d = np.abs(clip[t, y0:y1, x0:x1] - clip[t - 1, y0:y1, x0:x1])
            on_motion += (d > 0.06).mean() > 0.02
            n_ab += 1
    rng = np.random.RandomState(0)
    pngs = []
    for k in range(args.png):
        c = sorted(test)[k % len(test)]
        yi = np.where(all_y[sorted(test).index(c)])[0]
        t = int(yi[rng.randint(len(yi))])
        pth = os.path.join(out_dir, f"heat_{c}_{t:03d}.png")
        heat_png(pth, test[c][t], maps[c][t], f"clip {c} frame {t} score {all_s[sorted(test).index(c)][t]:.3f}")
        pngs.append(pth)
    report = {"model": meta["model_name"], "version": meta["model_version"],
              "reference_max_abs_diff": ref_err,
              "micro_auc_raw": micro, "micro_auc_clip_minmax_normalised": micro_norm,
              "per_clip": res, "top_cell_on_motion_fraction": on_motion / max(n_ab, 1),
              "abnormal_frames": int(y.sum()), "frames": int(len(y)), "pngs": pngs}
    json.dump(report, open(os.path.join(out_dir, "report.json"), "w"), indent=1)
    np.savez_compressed(os.path.join(out_dir, "scores.npz"), **{c: v for c, v in zip(test, all_s)})
    print(json.dumps({k: v for k, v in report.items() if k != "pngs"}, indent=1))
    print(f"micro AUC (raw scores, primary): {micro:.4f}   micro AUC (per-clip min-max normalised): "
          f"{micro_norm:.4f}   [{len(y)} frames, clips {','.join(test)}]  {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
