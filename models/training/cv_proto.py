#!/usr/bin/env python3
"""v7 candidate: appearance novelty against K prototypes of the predictor's encoder features (training data only).

Prototypes: k-means of the encoder features (e2: stride 2, 16 ch; e3: stride 4, 32 ch) of the profile clips
04-13 (positions sampled half uniformly, half where the frame changes), so the busy clips 01-03 and the quiet
14-16 stay unseen. Then cv5's channels nov2_c / nov3_c / nov3_mean, merged with other cv5 caches, evaluated.

    /usr/bin/python3 models/training/cv_proto.py --run models/training/runs/main --k 64 --with v3chans,... --sets ...
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

PROFILE = ["%02d" % i for i in range(4, 14)]


def kmeans(x, k, iters=25, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(x)
    # k-means++ seeding
    c = [x[torch.randint(len(x), (1,), generator=g)].squeeze(0)]
    d = ((x - c[0]) ** 2).sum(1)
    for _ in range(k - 1):
        i = torch.multinomial(d / d.sum(), 1, generator=g)
        c.append(x[i].squeeze(0))
        d = torch.minimum(d, ((x - c[-1]) ** 2).sum(1))
    c = torch.stack(c)
    for _ in range(iters):
        dist = (x * x).sum(1, keepdim=True) - 2 * x @ c.T + (c * c).sum(1)[None]
        a = dist.argmin(1)
        for j in range(k):
            m = a == j
            if m.any():
                c[j] = x[m].mean(0)
    return c.contiguous()


@torch.no_grad()
def fit(model, clips, k, per_frame=60, seed=0, moving_share=0.5):
    rng = np.random.RandomState(seed)
    samples = {"e2": [], "e3": [], "p": []}
    for name in PROFILE:
        win = mm.causal_windows(clips[name])
        for i in range(0, len(win), 32):
            fr = torch.from_numpy(np.ascontiguousarray(win[i:i + 32]))
            e1 = model.pred.e1(fr[:, :-1])
            e2 = model.pred.e2(e1)
            e3 = model.pred.e3(e2)
            mot = (fr[:, -1:] - fr[:, -2:-1]).abs()
            for lvl, e, s in (("e2", e2, 2), ("e3", e3, 4), ("p", mm.patches(fr), 4)):
                m = torch.nn.functional.avg_pool2d(mot, s)[:, 0].numpy()          # [B, h, w]
                v = e.permute(0, 2, 3, 1).numpy()                               # [B, h, w, C]
                for b in range(len(v)):
                    flat = v[b].reshape(-1, v.shape[-1])
                    moving = np.where(m[b].ravel() > 0.03)[0]
                    nm = int(round(per_frame * moving_share)) if len(moving) else 0
                    idx = rng.randint(0, len(flat), per_frame - nm)
                    if nm:
                        idx = np.r_[idx, moving[rng.randint(0, len(moving), nm)]]
                    samples[lvl].append(flat[idx])
    return {lvl: kmeans(np.concatenate(v).astype(np.float32), k, seed=seed) for lvl, v in samples.items()}


def main():
    p = argparse.ArgumentParser()
    common.add_run_data_args(p)
    p.add_argument("--k", type=int, default=64)
    p.add_argument("--moving", type=float, default=0.5, help="share of prototype samples taken where the frame changes")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--with", dest="other", default="", help="channels of another cv5 cache to merge")
    p.add_argument("--weights", default="", help="semicolon-separated weight lists, one per set (default all 1)")
    p.add_argument("--sets", nargs="*", required=True)
    p.add_argument("--nov", default="nov3_c,nov3_mean", help="novelty channels to compute")
    p.add_argument("--eps", default="8")
    args = p.parse_args()
    torch.set_num_threads(2)
    model = common.load_model(args.run)
    mtag = "" if args.moving == 0.5 else f"_m{args.moving:g}"
    ppath = os.path.join(args.run, f"protos2_k{args.k}{mtag}.pt")
    if os.path.exists(ppath):
        model.protos = torch.load(ppath)
    else:
        clips = mm.load_split(args.data, "training", cache_dir=os.path.dirname(args.run))
        model.protos = fit(model, clips, args.k, moving_share=args.moving)
        torch.save(model.protos, ppath)
        print("prototypes fitted", {k: tuple(v.shape) for k, v in model.protos.items()}, flush=True)
    names = args.nov.split(",")
    z = cv5.build(args.run, args.data, names, args.seed, model=model, tag=f"|protos2_{args.k}{mtag}")
    if args.other:
        other = args.other.split(",")
        z2 = cv5.build(args.run, args.data, other, args.seed)
        z = {k: (np.concatenate([z2[k], z[k]], 1) if k.startswith(("clip_", "syn_")) else z[k]) for k in z}
        names = other + names
    kinds = list(cv5.KINDS) + list(cv5.HARD) + list(cv5.WALK)
    print("features | eps | AUC " + " ".join(kinds) + " | hit glide bike | a b")
    for s in args.sets:
        for eps in map(float, args.eps.split(",")):
            r = cv5.evaluate(z, names, s.split(","), eps)
            print(f"{s} | {eps:g} | " + " ".join(f"{r[k]:.4f}" for k in kinds) + " | " +
                  " ".join(f"{r[k + '_hit']:.2f}" for k in ("glide", "bike")) + f" | {r['a']:.2f} {r['b']:.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
