#!/usr/bin/env python3
"""v5 validation on TRAINING clips only: cv3's split and synthetic draw (RandomState(11): fast, foreign,
far, farfast pasted into the busy clips 01-03; profile from 04-13; unseen normal = 01-03 + 14-16), plus
two harder far-field kinds drawn from their own stream (RandomState(21)):
  farslow - far-field person size, 1.2-1.8 px/frame (barely faster than a far pedestrian), full contrast;
  farlow  - far-field person size, 1.5-2.5 px/frame, pasted at 60 % opacity (a low-contrast object).
Only the requested raw channels are computed, and for synthetic clips only their abnormal frames, so
candidate channels that are expensive in torch stay testable. Cache: <run>/cv5_<channels-hash>.npz.

    /usr/bin/python3 models/training/cv5.py --run models/training/runs/main --channels a,b,c --sets "a,b" "a,c"
"""
import argparse
import hashlib
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import monmodel as mm  # noqa: E402

BUSY = ["01", "02", "03"]
QUIET = ["14", "15", "16"]
KINDS = {"fast": 2, "foreign": 2, "far": 3, "farfast": 4}
HARD = {"farslow": 4, "farlow": 4}
WALK = {"glide": 4, "bike": 4}          # v5.1: walking-speed silhouettes (common.paste_silhouette)
CACHE_VERSION = 2                         # 2: + WALK kinds


def draws(clips, seed, kinds=True, hard=True, walk=True):
    """The synthetic anomalies of the validation, in a fixed draw order: yields (key, clip', mask, boxes).
    kinds: cv3's kinds from RandomState(seed) (the same draws as cv3.py); hard: farslow/farlow from seed + 10."""
    groups = [(seed, KINDS)] * kinds + [(seed + 10, HARD)] * hard + [(seed + 20, WALK)] * walk
    for stream, group in groups:
        rng = np.random.RandomState(stream)
        for c in BUSY:
            for kind, reps in group.items():
                for rep in range(reps):
                    donor = clips["%02d" % rng.randint(4, 14)]
                    yield (f"{c}_{kind}{rep}", *PASTE[kind](clips[c], donor, rng))


# how each kind is drawn (the rng is consumed in the same order as when each kind had its own loop)
PASTE = {
    "fast": lambda clip, donor, rng: common.paste_anomaly(clip, donor, rng, "fast"),
    "foreign": lambda clip, donor, rng: common.paste_anomaly(clip, donor, rng, "foreign"),
    "far": lambda clip, donor, rng: common.paste_anomaly(clip, donor, rng, "far"),
    "farfast": lambda clip, donor, rng: common.paste_far_fast(clip, donor, rng),
    "farslow": lambda clip, donor, rng: common.paste_far_fast(clip, donor, rng, speed=(1.2, 1.8)),
    "farlow": lambda clip, donor, rng: common.paste_far_fast(clip, donor, rng, contrast=0.6),
    "glide": lambda clip, donor, rng: common.paste_silhouette(clip, donor, rng, "glide"),
    "bike": lambda clip, donor, rng: common.paste_silhouette(clip, donor, rng, "bike"),
}


@torch.no_grad()
def feats(model, clip, names, idx=None, batch=32):
    win = mm.causal_windows(clip)
    if idx is not None:
        win = win[idx]
    out = []
    for i in range(0, len(win), batch):
        out.append(model.raw_features(torch.from_numpy(np.ascontiguousarray(win[i:i + batch])), names).numpy())
    return np.concatenate(out)


def build(run, data, names, seed=11, model=None, tag=""):
    """model: an AnomalyModel with its predictor loaded (default: run/pred.pt); tag: what else the channels
    depend on (e.g. the prototypes), part of the cache key."""
    key = hashlib.sha1((",".join(names) + f"|{seed}|{mm.SPEED_TAU}|{CACHE_VERSION}{tag}").encode()).hexdigest()[:10]
    path = os.path.join(run, f"cv5_{key}.npz")
    cached = common.load_cache(path)
    if cached is not None:
        return cached
    full = model if model is not None else common.load_model(run)
    clips = mm.load_split(data, "training", cache_dir=os.path.dirname(run))
    out = {f"clip_{c}": feats(full, v, names) for c, v in clips.items()}
    print("normal clips done", flush=True)

    def add(name, sc, m, bx):
        idx = np.where(m)[0]
        out[f"syn_{name}"] = feats(full, sc, names, idx)
        out[f"mask_{name}"] = np.ones(len(idx), bool)
        out[f"box_{name}"] = np.array([bx[t] for t in idx])

    for key, sc, m, bx in draws(clips, seed):
        add(key, sc, m, bx)
    print("built synthetic clips", flush=True)
    np.savez_compressed(path, names=np.array(names), **out)
    return out


def merged(run, data, groups, seed, model=None, tag=""):
    """Channel groups, each with its own cache, merged along the channel axis: (names, z)."""
    names, z = [], None
    for g in groups:
        zg = build(run, data, g, seed, model, tag)
        names += g
        z = zg if z is None else {k: (np.concatenate([z[k], zg[k]], 1) if k.startswith(("clip_", "syn_")) else z[k])
                                  for k in z}
    return names, z


def evaluate(z, names, chans, eps=8.0, beta=2.0, baseline=None):
    """baseline = (q, lam): the head subtracts lam x the frame's q-quantile of the cell distance (a crowd
    baseline) before the sigmoid and the attention (a v7 candidate)."""
    # a channel may carry a weight in the cell distance: "name*0.5" (the head's per-channel weights)
    w = np.array([float(c.split("*")[1]) if "*" in c else 1.0 for c in chans], np.float32)[None, :, None, None]
    chans = [c.split("*")[0] for c in chans]
    sel = [names.index(c) for c in chans]
    prof = ["%02d" % i for i in range(4, 14)]
    allf = np.concatenate([z["clip_" + c][:, sel] for c in prof])
    gm, gs = allf.mean((0, 2, 3)), allf.std((0, 2, 3)) + 1e-6
    st = lambda f: (f[:, sel] - gm[None, :, None, None]) / gs[None, :, None, None]
    mean, var = common.welford_profile([st(z["clip_" + c]) for c in prof])

    # one-sided (only an excess counts) except the predictor's code and mean intensity, as in the graph
    osv = np.array([0.0 if mm.two_sided(c) else 1.0 for c in chans], np.float32)[None, :, None, None]

    def dist(f):
        d = st(f) - mean
        d = d - osv * np.minimum(d, 0)
        s = np.sqrt((w * d ** 2 / (var + eps)).sum(1) / w.sum() + 1e-12)
        if baseline:
            s = s - baseline[1] * np.quantile(s.reshape(len(s), -1), baseline[0], axis=1)[:, None, None]
        return s
    sv = {c: dist(z["clip_" + c]) for c in BUSY + QUIET}
    b = np.quantile(np.concatenate(list(sv.values())), 0.999)
    syn = {k[4:]: dist(z[k]) for k in z if k.startswith("syn_")}
    smax = np.concatenate([syn[k].reshape(len(syn[k]), -1).max(1) for k in syn
                           if k.split("_")[1].rstrip("0123456789") in ("fast", "foreign")])
    a = 6.0 / max(np.quantile(smax, 0.99) - b, 1e-3)
    sc = lambda s: common.score_np(s, a, b, beta)[2]
    normal = np.concatenate([sc(sv[c]) for c in BUSY + QUIET])
    res = {}
    for kind in list(KINDS) + list(HARD) + list(WALK):
        ks = [k for k in syn if k.split("_")[1].rstrip("0123456789") == kind]
        pos = np.concatenate([sc(syn[k]) for k in ks])
        res[kind] = common.auc(np.r_[normal, pos], np.r_[np.zeros(len(normal)), np.ones(len(pos))])
        hits = []
        for k in ks:
            s, bx = syn[k], z["box_" + k]
            hits += [common.top_cell_hit(s[t], bx[t]) for t in range(len(s))]
        res[kind + "_hit"] = float(np.mean(hits))
    res["a"], res["b"] = float(a), float(b)
    return res


def main():
    p = argparse.ArgumentParser()
    common.add_run_data_args(p)
    p.add_argument("--channels", required=True, action="append",
                   help="raw channels to compute (superset of every set); repeat it to merge several caches")
    p.add_argument("--sets", nargs="*", required=True)
    p.add_argument("--eps", default="8")
    p.add_argument("--beta", default="2")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--baseline", default="", help="q:lam[,q:lam...] crowd baselines to try (see evaluate)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    names, z = merged(args.run, args.data, [c.split(",") for c in args.channels], args.seed)
    kinds = list(KINDS) + list(HARD) + list(WALK)
    print("features | eps beta | AUC " + " ".join(kinds) + " | hit far farfast farslow farlow glide bike | a b")
    for s in args.sets:
        for eps in map(float, args.eps.split(",")):
            for beta in map(float, args.beta.split(",")):
              for bl in (args.baseline.split(",") if args.baseline else [""]):
                base = tuple(map(float, bl.split(":"))) if bl else None
                r = evaluate(z, names, s.split(","), eps, beta, base)
                print(f"{s} | {eps:g} {beta:g} {bl} | " + " ".join(f"{r[k]:.4f}" for k in kinds) + " | " +
                      " ".join(f"{r[k + '_hit']:.2f}" for k in ("far", "farfast", "farslow", "farlow", "glide", "bike")) +
                      f" | {r['a']:.2f} {r['b']:.3f}", flush=True)


if __name__ == "__main__":
    main()
