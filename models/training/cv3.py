#!/usr/bin/env python3
"""v3 validation on TRAINING clips only (extends cv_profile.py): profile from training clips 04-13,
unseen normal footage = busy clips 01-03 + quiet 14-16, synthetic anomalies pasted into 01-03:
fast, foreign (v2 kinds), far (v2: half size, 2 px/frame) and farfast (v3: far-field person size,
1.5-2.5x far walking speed, see common.paste_far_fast). Raw features of every candidate channel are
cached in <run>/cv3_raw.npz; head variants are then evaluated in numpy.

    /usr/bin/python3 models/training/cv3.py --run models/training/runs/main [--sets ...]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import cv5  # noqa: E402
import monmodel as mm  # noqa: E402

BUSY = ["01", "02", "03"]
QUIET = ["14", "15", "16"]
KINDS = {"fast": 2, "foreign": 2, "far": 3, "farfast": 4}


def build(run, data, seed=11):
    path = os.path.join(run, f"cv3_raw{len(mm.RAW_NAMES)}" + ("" if seed == 11 else f"_s{seed}") + ".npz")
    cached = common.load_cache(path)
    if cached is not None:
        return cached
    full = common.load_model(run)
    clips = mm.load_split(data, "training", cache_dir=os.path.dirname(run))
    base = os.path.join(run, f"cv3_raw{len(mm.RAW_NAMES)}.npz")
    if seed != 11 and os.path.exists(base):       # normal clips do not depend on the synthetic seed
        zb = np.load(base)
        out = {k: zb[k] for k in zb.files if k.startswith("clip_")}
    else:
        out = {f"clip_{c}": common.clip_features(full, v, raw=True) for c, v in clips.items()}
    for key, sc, m, bx in cv5.draws(clips, seed, hard=False, walk=False):   # cv3 kinds, same draws as cv5.py
        out[f"syn_{key}"] = common.clip_features(full, sc, raw=True)
        out[f"mask_{key}"] = m
        out[f"box_{key}"] = np.array([b if b else (-1, -1, -1, -1) for b in bx])
    print("built synthetic clips", flush=True)
    np.savez_compressed(path, **out)
    return out


def evaluate(z, chans, eps, lam=0.0, beta=2.0, rowq=None):
    """AUC per kind (micro: synthetic frames vs all normal validation frames) + top-cell hit (farfast).
    Denominator = eps + lam * (row mean of the per-cell variance)."""
    sel = [mm.RAW_NAMES.index(c) for c in chans]
    osv = np.array([0.0 if mm.two_sided(c) else 1.0 for c in chans], np.float32)
    prof = [c for c in map("{:02d}".format, range(4, 14))]
    allf = np.concatenate([z["clip_" + c][:, sel] for c in prof])
    gm, gs = allf.mean((0, 2, 3)), allf.std((0, 2, 3)) + 1e-6
    st = lambda f: (f[:, sel] - gm[None, :, None, None]) / gs[None, :, None, None]
    mean, var = common.welford_profile([st(z["clip_" + c]) for c in prof])
    den = eps + lam * var.mean(2, keepdims=True)
    def dist(f):
        d = st(f) - mean
        d = d - osv[None, :, None, None] * np.minimum(d, 0)
        return np.sqrt((d ** 2 / den).mean(1) + 1e-12)
    sv = {c: dist(z["clip_" + c]) for c in BUSY + QUIET}
    cells = np.concatenate(list(sv.values()))
    b = np.quantile(cells, 0.999)
    syn = {k[4:]: dist(z[k]) for k in z if k.startswith("syn_")}
    smax = np.concatenate([syn[k].reshape(len(syn[k]), -1).max(1)[z["mask_" + k]] for k in syn
                           if "fast" in k or "foreign" in k])
    a = 6.0 / max(np.quantile(smax, 0.99) - b, 1e-3)
    sc = lambda s: common.score_np(s, a, b, beta)[2]
    normal = np.concatenate([sc(sv[c]) for c in BUSY + QUIET])
    res = {}
    for kind in KINDS:
        ks = [k for k in syn if k[3:-1] == kind]
        pos = np.concatenate([sc(syn[k])[z["mask_" + k]] for k in ks])
        res[kind] = common.auc(np.r_[normal, pos], np.r_[np.zeros(len(normal)), np.ones(len(pos))])
        hits = []
        for k in ks:
            s, bx = syn[k], z["box_" + k]
            hits += [common.top_cell_hit(s[t], bx[t]) for t in np.where(z["mask_" + k])[0]]
        res[kind + "_hit"] = float(np.mean(hits))
    res["a"], res["b"] = float(a), float(b)
    return res


V2 = "perr_mean,perr_max3,perr_cellmax,mot1,mot2,mot4,mot1_max3"


def main():
    p = argparse.ArgumentParser()
    common.add_run_data_args(p)
    p.add_argument("--sets", nargs="*", default=[V2])
    p.add_argument("--eps", default="8")
    p.add_argument("--lam", default="0")
    p.add_argument("--beta", default="2")
    p.add_argument("--seed", type=int, default=11, help="synthetic-anomaly draw (11 = the selection draw)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    z = build(args.run, args.data, args.seed)
    print("features | eps lam beta | AUC fast foreign far farfast | top-cell hit far farfast | a b")
    for s in args.sets:
        chans = s.split(",")
        for eps in map(float, args.eps.split(",")):
            for lam in map(float, args.lam.split(",")):
                for beta in map(float, args.beta.split(",")):
                    r = evaluate(z, chans, eps, lam, beta)
                    print(f"{s} | {eps:g} {lam:g} {beta:g} | {r['fast']:.4f} {r['foreign']:.4f} {r['far']:.4f} "
                          f"{r['farfast']:.4f} | {r['far_hit']:.2f} {r['farfast_hit']:.2f} | "
                          f"{r['a']:.2f} {r['b']:.3f}", flush=True)


if __name__ == "__main__":
    main()
