#!/usr/bin/env python3
"""Frame-score window (decision 0011) on the cv5.py validation, TRAINING clips only: the frame score is the
causal mean of the model's score over the last K frames of a clip (common.smooth_scores, = C# ScoreSmoother).
Synthetic clips get their real past: their normal frames before the paste, so an anomaly's first frames are
diluted as they would be live. Reads the cv5.py cache of the same --channels/--seed (run cv5.py first).

    /usr/bin/python3 models/training/cv5_window.py --channels a,b,c --sets "a,b" "a,b,c" [--seed 11] [--windows 1,3,5,8,12]
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import cv5  # noqa: E402
import monmodel as mm  # noqa: E402


def starts(clips, seed):
    """Replays cv5.build's draws (cheap: no features) to find where each synthetic anomaly starts."""
    return {key: int(np.where(m)[0][0]) for key, _, m, _ in cv5.draws(clips, seed)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", default=os.path.join(common.repo_root(), "models", "training", "runs", "main"))
    p.add_argument("--channels", required=True)
    p.add_argument("--sets", nargs="*", required=True)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--windows", default="1,3,5,8,12")
    args = p.parse_args()
    names = args.channels.split(",")
    z = cv5.build(args.run, None, names, args.seed)
    clips = mm.load_split(None, "training", cache_dir=os.path.dirname(args.run))
    st0 = starts(clips, args.seed)
    kinds = list(cv5.KINDS) + list(cv5.HARD) + list(cv5.WALK)
    print("features | K | AUC " + " ".join(kinds))
    for s in args.sets:
        sel = [names.index(c) for c in s.split(",")]
        prof = ["%02d" % i for i in range(4, 14)]
        allf = np.concatenate([z["clip_" + c][:, sel] for c in prof])
        gm, gs = allf.mean((0, 2, 3)), allf.std((0, 2, 3)) + 1e-6
        stz = lambda f: (f[:, sel] - gm[None, :, None, None]) / gs[None, :, None, None]
        mean, var = common.welford_profile([stz(z["clip_" + c]) for c in prof])
        osv = np.array([0.0 if mm.two_sided(c) else 1.0 for c in s.split(",")],
                       np.float32)[None, :, None, None]
        dist = lambda f: np.sqrt(((stz(f) - mean - osv * np.minimum(stz(f) - mean, 0)) ** 2 / (var + 8.0)).mean(1)
                                 + 1e-12)
        normal_clips = cv5.BUSY + cv5.QUIET
        sv = {c: dist(z["clip_" + c]) for c in normal_clips}
        syn = {k[4:]: np.concatenate([sv[k[4:].split("_")[0]][:st0[k[4:]]], dist(z[k])])
               for k in z if k.startswith("syn_")}
        # calibration exactly as cv5.evaluate (per frame, before any averaging)
        b = np.quantile(np.concatenate(list(sv.values())), 0.999)
        smax = np.concatenate([v[st0[k]:].reshape(-1, mm.GH * mm.GW).max(1) for k, v in syn.items()
                               if k.split("_")[1].rstrip("0123456789") in ("fast", "foreign")])
        a = 6.0 / max(np.quantile(smax, 0.99) - b, 1e-3)
        for K in map(int, args.windows.split(",")):
            fs = lambda s: common.smooth_scores(common.score_np(s, a, b, 2.0)[2], K)
            normal = np.concatenate([fs(sv[c]) for c in normal_clips])
            row = []
            for kind in kinds:
                pos = np.concatenate([fs(v)[st0[k]:] for k, v in syn.items()
                                      if k.split("_")[1].rstrip("0123456789") == kind])
                row.append(common.auc(np.r_[normal, pos], np.r_[np.zeros(len(normal)), np.ones(len(pos))]))
            print(f"{s} | {K} | " + " ".join(f"{r:.4f}" for r in row), flush=True)


if __name__ == "__main__":
    main()
