#!/usr/bin/env python3
"""v7 candidate (not adopted): a PER-POSITION memory of normal appearance, training data only.

For every stride-4 position of the predictor's encoder map e3 (32 x 48), the memory holds the e3 vectors of
every frame of the profile clips 04-13; a frame's novelty there is the squared distance to the nearest one
(the profile clips themselves are scored leave-one-clip-out, so their per-cell statistics are those of unseen
footage), worst position of the cell, log(x + 0.01). Merged with v5's channels from the cv5 cache as
channel "pcmem" and evaluated like cv5.py. Slow (about 11 min on 2 cores); cache runs/main/pcmem_<seed>.npz.

    /usr/bin/python3 models/training/cv_memory.py --seed 11 --sets pcmem V5 "V5,pcmem" "V5,pcmem*0.5"
    (V5 = perr_mean,perr_max3,perr_c4max,spdp1r2_c4max; run cv5.py with --channels V5 first)
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
V5 = ["perr_mean", "perr_max3", "perr_c4max", "spdp1r2_c4max"]


@torch.no_grad()
def e3(model, clip, idx=None):
    """[P, F, C]: the encoder's stride-4 map of each frame's window, position-major."""
    win = mm.causal_windows(clip)
    if idx is not None:
        win = win[idx]
    out = []
    for i in range(0, len(win), 64):
        fr = torch.from_numpy(np.ascontiguousarray(win[i:i + 64]))
        out.append(model.pred.e3(model.pred.e2(model.pred.e1(fr[:, :-1]))))
    return torch.cat(out).flatten(2).permute(2, 0, 1).contiguous()


def mindist(q, m):
    """[P, Fq, C] x [P, Fm, C] -> [P, Fq] squared distance to the nearest memory vector of the same position."""
    out = []
    for i in range(0, q.shape[1], 256):
        qq = q[:, i:i + 256]
        d = (qq * qq).sum(2, keepdim=True) - 2 * torch.bmm(qq, m.transpose(1, 2)) + (m * m).sum(2)[:, None]
        out.append(d.min(2)[0].clamp(min=0))
    return torch.cat(out, 1)


def tocell(d, nf):
    d = d.T.reshape(nf, 1, mm.GH * 2, mm.GW * 2)
    return torch.log(torch.nn.functional.max_pool2d(d, 2) + 1e-2).numpy()


def build(run, seed):
    path = os.path.join(run, f"pcmem_{seed}.npz")
    cached = common.load_cache(path)
    if cached is not None:
        return cached
    model = common.load_model(run)
    clips = mm.load_split(None, "training", cache_dir=os.path.dirname(run))
    mem = {c: e3(model, clips[c]) for c in PROFILE}
    feat = {}
    for c in PROFILE:
        d = torch.stack([mindist(mem[c], mem[o]) for o in PROFILE if o != c]).min(0)[0]
        feat["clip_" + c] = tocell(d, mem[c].shape[1])
    allmem = torch.cat([mem[c] for c in PROFILE], 1)
    for c in cv5.BUSY + cv5.QUIET:
        q = e3(model, clips[c])
        feat["clip_" + c] = tocell(mindist(q, allmem), q.shape[1])
    for key, sc, m, _ in cv5.draws(clips, seed):
        idx = np.where(m)[0]
        feat["syn_" + key] = tocell(mindist(e3(model, sc, idx), allmem), len(idx))
    np.savez_compressed(path, **feat)
    return feat


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", default=os.path.join(common.repo_root(), "models", "training", "runs", "main"))
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--sets", nargs="*", required=True, help="channel sets; V5 stands for v5's four channels")
    args = p.parse_args()
    torch.set_num_threads(2)
    pc = build(args.run, args.seed)
    z = cv5.build(args.run, None, V5, args.seed)
    z = {k: (np.concatenate([z[k], pc[k]], 1) if k.startswith(("clip_", "syn_")) else z[k]) for k in z}
    names = V5 + ["pcmem"]
    kinds = list(cv5.KINDS) + list(cv5.HARD) + list(cv5.WALK)
    print("features | AUC " + " ".join(kinds) + " | hit glide bike")
    for s in args.sets:
        r = cv5.evaluate(z, names, s.replace("V5", ",".join(V5)).split(","))
        print(f"{s} | " + " ".join(f"{r[k]:.4f}" for k in kinds) + " | " +
              " ".join(f"{r[k + '_hit']:.2f}" for k in ("glide", "bike")), flush=True)


if __name__ == "__main__":
    main()
