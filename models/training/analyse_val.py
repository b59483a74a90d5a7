#!/usr/bin/env python3
"""Choose feature channels / eps / beta on VALIDATION data only (held-out normal training clips and
synthetic anomalies pasted into them), from the raw features train.py saved. Reads no test clip.

    /usr/bin/python3 models/training/analyse_val.py --run models/training/runs/main
"""
import argparse
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import monmodel as mm  # noqa: E402

SETS = {
    "perr": ["perr_mean", "perr_max3", "perr_cellmax"],
    "mot": ["mot1", "mot2", "mot4", "mot1_max3"],
    "perr+mot": ["perr_mean", "perr_max3", "perr_cellmax", "mot1", "mot2", "mot4", "mot1_max3"],
    "perr+mot+app": ["perr_mean", "perr_max3", "perr_cellmax", "mot1", "mot2", "mot4", "mot1_max3",
                     "grad", "int"],
    "perr+mot+code": ["perr_mean", "perr_max3", "perr_cellmax", "mot1", "mot2", "mot4", "mot1_max3"]
    + [f"code{i}" for i in range(mm.CODE)],
    "all": list(mm.RAW_NAMES),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", required=True)
    args = p.parse_args()
    z = np.load(os.path.join(args.run, "raw_features.npz"))
    fit = [z[k] for k in z.files if k.startswith("fit_")]
    val = {k[4:]: z[k] for k in z.files if k.startswith("val_")}
    syn = {k[4:]: (z[k], z["synmask_" + k[4:]], z["synbox_" + k[4:]]) for k in z.files if k.startswith("syn_")}
    print(f"{'set':16s} {'eps':>6s} {'beta':>5s}  fastAUC foreignAUC  fastHit foreignHit  normal>0.5")
    for (name, chans), side, eps, beta in itertools.product(SETS.items(), ("1s", "2s"), (0.01, 0.05, 0.2),
                                                             (1.0, 4.0, 16.0)):
        sel = [mm.RAW_NAMES.index(c) for c in chans]
        osv = [1.0 if side == "1s" and not mm.two_sided(c) else 0.0 for c in chans]
        allfit = np.concatenate([f[:, sel] for f in fit])
        gm, gs = allfit.mean((0, 2, 3)), allfit.std((0, 2, 3)) + 1e-6
        st = lambda f: (f[:, sel] - gm[None, :, None, None]) / gs[None, :, None, None]
        mean, var = common.welford_profile([st(f) for f in fit])
        dist = lambda f: mm.distances_np(st(f), mean, var, eps, osv)
        sv = np.concatenate([dist(f) for f in val.values()])
        b = np.quantile(sv, 0.999)
        a = 3.0 / max(b - np.median(sv), 1e-3)
        normal = np.concatenate([common.score_np(dist(f), a, b, beta)[2] for f in val.values()])
        row = []
        for kind in ("fast", "foreign"):
            pos, hits = [], []
            for k, (f, m, bx) in syn.items():
                if not k.endswith(kind):
                    continue
                s = dist(f)
                pos.append(common.score_np(s, a, b, beta)[2][m])
                for t in np.where(m)[0]:
                    cy, cx = np.unravel_index(np.argmax(s[t]), s[t].shape)
                    y, x, ph, pw = bx[t]
                    hits.append(y - mm.CELL < cy * mm.CELL + 4 < y + ph + mm.CELL and
                                x - mm.CELL < cx * mm.CELL + 4 < x + pw + mm.CELL)
            pos = np.concatenate(pos)
            row.append((common.auc(np.r_[normal, pos], np.r_[np.zeros(len(normal)), np.ones(len(pos))]),
                        np.mean(hits), np.mean(pos > np.quantile(normal, 0.99))))
        print(f"{name:13s} {side} {eps:6.2f} {beta:5.1f}  {row[0][0]:.4f}  {row[1][0]:.4f}     "
              f"{row[0][1]:.3f}  {row[1][1]:.3f}     {np.mean(normal > 0.5):.3f}   tpr@1%fpr {row[0][2]:.3f} {row[1][2]:.3f}")


if __name__ == "__main__":
    main()
