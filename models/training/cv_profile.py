#!/usr/bin/env python3
"""Profile-level cross-validation on TRAINING clips only: the profile is learned without the busiest
training clips (01-03, whose crowd density is the highest in training/), which then serve as normal
validation footage together with the quiet held-out clips 14-16; synthetic anomalies are pasted into
01-03 as well. Chooses the variance floor eps, the neighbourhood variance pooling and beta.

    /usr/bin/python3 models/training/cv_profile.py --run models/training/runs/main
"""
import argparse
import itertools
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import monmodel as mm  # noqa: E402

BUSY = ["01", "02", "03"]
EPS, VPOOL, BETA = (0.05, 0.2, 0.5, 1.0, 2.0, 4.0), (0, 1), (1.0, 4.0)


def maxpool3(v):
    p = np.pad(v, ((0, 0), (1, 1), (1, 1)), mode="edge")
    return np.max([p[:, i:i + v.shape[1], j:j + v.shape[2]] for i in range(3) for j in range(3)], 0)


def main():
    p = argparse.ArgumentParser()
    common.add_run_data_args(p)
    p.add_argument("--features", default="perr_mean,perr_max3,perr_cellmax,mot1,mot2,mot4,mot1_max3")
    p.add_argument("--grid", default="", help="eps list;vpool list;beta list, e.g. '2,4,8;0;0.5,1,2'")
    args = p.parse_args()
    global EPS, VPOOL, BETA
    if args.grid:
        EPS, VPOOL, BETA = ([float(x) for x in part.split(",")] for part in args.grid.split(";"))
    torch.set_num_threads(2)
    z = np.load(os.path.join(args.run, "raw_features.npz"))
    raw = {k[4:]: z[k] for k in z.files if k.startswith(("fit_", "val_"))}
    syn_path = os.path.join(args.run, "syn_busy3.npz")
    if not os.path.exists(syn_path):
        full = mm.AnomalyModel()
        full.pred.load_state_dict(torch.load(os.path.join(args.run, "pred.pt")))
        clips = mm.load_split(args.data, "training", cache_dir=os.path.dirname(args.run))
        rng = np.random.RandomState(7)
        out = {}
        for c in BUSY:
            for kind in ("fast", "foreign", "far"):
                for rep in range(2):
                    donor = clips["%02d" % rng.randint(4, 14)]
                    sc, m, _ = common.paste_anomaly(clips[c], donor, rng, kind)
                    out[f"{c}_{kind}{rep}"] = common.clip_features(full, sc, raw=True)
                    out[f"mask_{c}_{kind}{rep}"] = m
        np.savez_compressed(syn_path, **out)
    zs = np.load(syn_path)
    syn = {k: (zs[k], zs["mask_" + k]) for k in zs.files if not k.startswith("mask_")}
    prof_clips = [c for c in raw if c not in BUSY and c not in ("14", "15", "16")]
    val_clips = BUSY + ["14", "15", "16"]
    chans = args.features.split(",")
    sel = [mm.RAW_NAMES.index(c) for c in chans]
    osv = [0.0 if mm.two_sided(c) else 1.0 for c in chans]
    allf = np.concatenate([raw[c][:, sel] for c in prof_clips])
    gm, gs = allf.mean((0, 2, 3)), allf.std((0, 2, 3)) + 1e-6
    st = lambda f: (f[:, sel] - gm[None, :, None, None]) / gs[None, :, None, None]
    mean, var0 = common.welford_profile([st(raw[c]) for c in prof_clips])
    print(f"features {chans}")
    print(f"profile clips {prof_clips}; normal validation {val_clips}; synthetic in {BUSY}")
    print("eps   vpool beta  synAUC(fast) synAUC(foreign) synAUC(far)  normal frame-max s q50/q99 busy | quiet")
    for eps, vpool, beta in itertools.product(EPS, VPOOL, BETA):
        var = maxpool3(var0) if vpool else var0
        dist = lambda f: mm.distances_np(st(f), mean, var, eps, osv)
        sv = {c: dist(raw[c]) for c in val_clips}
        cells = np.concatenate([sv[c] for c in ["14", "15", "16"]])
        b = np.quantile(cells, 0.999)
        a = 3.0 / max(b - np.median(cells), 1e-3)
        sc = lambda s: common.score_np(s, a, b, beta)[2]
        normal = np.concatenate([sc(sv[c]) for c in val_clips])
        row = []
        for kind in ("fast", "foreign", "far"):
            pos = np.concatenate([sc(dist(f))[m] for k, (f, m) in syn.items() if kind in k])
            row.append(common.auc(np.r_[normal, pos], np.r_[np.zeros(len(normal)), np.ones(len(pos))]))
        mx = lambda cs: np.concatenate([sv[c].reshape(len(sv[c]), -1).max(1) for c in cs])
        print(f"{eps:4.2f}  {vpool}     {beta:4.1f}  {row[0]:.4f}       {row[1]:.4f}     {row[2]:.4f}     "
              f"{np.quantile(mx(BUSY), .5):.2f}/{np.quantile(mx(BUSY), .99):.2f} | "
              f"{np.quantile(mx(['14', '15', '16']), .5):.2f}/{np.quantile(mx(['14', '15', '16']), .99):.2f}")


if __name__ == "__main__":
    main()
