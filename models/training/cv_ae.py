#!/usr/bin/env python3
"""v7 candidate: appearance auto-encoder of the current frame (monmodel.AppearanceAE), training data only.

Trained like the predictor (clips 01-13, random 64x96 crops, flips, MSE, Adam + OneCycle, seed 0), on the
current frame alone; then cv5's channels aerr_* (its squared error per cell), merged with other cv5 caches.

    /usr/bin/python3 models/training/cv_ae.py --run models/training/runs/main --with v5chans --sets ...
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import cv5  # noqa: E402
import monmodel as mm  # noqa: E402


def train_ae(clips, iters=2000, batch=16, lr=2e-3, seed=0, crop=(64, 96), kind="ae"):
    """kind "ae": the auto-encoder of the current frame; "amot": the appearance -> motion predictor."""
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    ae = mm.AppearanceAE() if kind == "ae" else mm.AppearanceMotion()
    frames = np.concatenate([mm.causal_windows(clips["%02d" % i], 2) for i in range(1, 14)])   # [F, 2, H, W]
    opt = torch.optim.Adam(ae.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=iters, pct_start=0.1)
    ch, cw = crop
    t0, run = time.time(), 0.0
    for it in range(iters):
        xs = np.empty((batch, 2, ch, cw), np.float32)
        for b in range(batch):
            f = frames[rng.randint(len(frames))]
            y, x = rng.randint(0, mm.H - ch + 1), rng.randint(0, mm.W - cw + 1)
            f = f[:, y:y + ch, x:x + cw]
            xs[b] = f[:, :, ::-1] if rng.rand() < 0.5 else f
        x = torch.from_numpy(xs)
        cur = x[:, -1:]
        target = F.avg_pool2d(cur, 2) if kind == "ae" else mm.motion_target(x)
        loss = F.mse_loss(ae(cur), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run = 0.98 * run + 0.02 * loss.item() if it else loss.item()
        if it % 250 == 0 or it == iters - 1:
            print(f"ae iter {it:5d} loss {run:.6f} ({time.time() - t0:.0f}s)", flush=True)
    return ae.eval()


def main():
    p = argparse.ArgumentParser()
    common.add_run_data_args(p)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument("--kind", choices=("ae", "amot"), default="ae",
                   help="ae: auto-encoder of the current frame; amot: appearance -> motion predictor")
    p.add_argument("--with", dest="other", default="", help="channels of another cv5 cache to merge")
    p.add_argument("--sets", nargs="*", required=True)
    args = p.parse_args()
    torch.set_num_threads(2)
    model = common.load_model(args.run)
    path = os.path.join(args.run, f"{args.kind}_{args.iters}.pt")
    ae = mm.AppearanceAE() if args.kind == "ae" else mm.AppearanceMotion()
    if os.path.exists(path):
        ae.load_state_dict(torch.load(path))
    else:
        ae = train_ae(mm.load_split(args.data, "training", cache_dir=os.path.dirname(args.run)), args.iters,
                      kind=args.kind)
        torch.save(ae.state_dict(), path)
    setattr(model, args.kind, ae.eval())
    own = ["aerr_mean", "aerr_c2max", "aerr_max3"] if args.kind == "ae" else ["amot_pos_c2max", "amot_sq_c2max", "amot_sq_mean"]
    groups = ([args.other.split(",")] if args.other else []) + [own]
    names, z = cv5.merged(args.run, args.data, groups[:-1], args.seed) if args.other else ([], None)
    zg = cv5.build(args.run, args.data, groups[-1], args.seed, model=model, tag=f"|{args.kind}{args.iters}")
    z = zg if z is None else {k: (np.concatenate([z[k], zg[k]], 1) if k.startswith(("clip_", "syn_")) else z[k])
                              for k in z}
    names = names + groups[-1]
    kinds = list(cv5.KINDS) + list(cv5.HARD) + list(cv5.WALK)
    print("features | AUC " + " ".join(kinds) + " | hit glide bike | a b")
    for s in args.sets:
        r = cv5.evaluate(z, names, s.split(","))
        print(f"{s} | " + " ".join(f"{r[k]:.4f}" for k in kinds) + " | " +
              " ".join(f"{r[k + '_hit']:.2f}" for k in ("glide", "bike")) + f" | {r['a']:.2f} {r['b']:.3f}", flush=True)


if __name__ == "__main__":
    main()
