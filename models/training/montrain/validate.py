"""Choose the head (standardisation, variance floor, channels, score window, attention) on validation scenes.

    cd models/training && /usr/bin/python3 -m montrain.validate --scenes /tmp/sc1

The scenes are montrain.scenes' output: DIR/train/<scene>/<clip>/NNN.jpg (normal footage), DIR/test/<scene>/<clip>/
(test clips, synthetic anomalies pasted into some) and DIR/labels.json ("<scene>/<clip>" -> {"frames", "abnormal":
[[from, to]]}, 0-based inclusive). Every scene is one camera, as the daemon sees it:

1. The committed graph's RAW per-cell channels (v7's four and candidates, network.RAW_NAMES) of every frame,
   causal windows with first-frame padding per clip, are computed once per scene and cached (npz, keyed by scene,
   model sha and channel list).
2. A numpy replica of the graph's head (checked against the torch forward) scores each candidate head: profile =
   per-cell mean / population variance of the scene's train features; `camera` standardisation divides every
   channel by its spread sigma_d on the scene's train footage (what the daemon feeds as profile_var = var +
   eps*(sigma_d^2 - 1)); `global` uses the Ped2 constants only. Any per-channel floor eps'_d is reachable without
   retraining (feed var + eps'_d*sigma_d^2 - eps), so the replica uses the denominator var + eps'_d*sigma_d^2.
3. Per scene: micro AUC of the frame score (causal mean of `score` over the last `window` frames of a clip), AUC
   per synthetic kind (that kind's abnormal frames against every normal frame of the scene), and the false-alarm
   share: normal test frames (after each clip's first T-1) whose max map cell reaches the threshold the daemon
   derives on the train footage (5 contiguous folds, each scored against a profile of the other four; the largest
   fold's upper tail point for rate 0.001, empirical or exponential fit of the top 5 %, ProfileBuilder.Calibrate).
The committed model's sigmoid constants are kept for every candidate: the map's cal_a / cal_b, and the constants its
score pools (score_a / score_b from v8; a new channel set would be re-exported by montrain.train).
Candidates: stage 1 = channel sets x standardisation x floors (window 5, beta 2); stage 2 = window x beta around
v7 and stage 1's best; stage 3 = floor x beta jointly. Output: one table per scene, a summary (candidate x scene),
the best heads, and DIR_CACHE/results_<scenes folder>[_labels-real].json. With --labels labels-real.json the per-kind
AUCs also count the lawn-crossing frames that fall inside a pasted clip as that clip's kind.
"""
import argparse
import hashlib
import json
import os
import re
import time
from collections import namedtuple

import numpy as np
import torch

from . import data as dt
from . import export as ex
from . import network as net
from . import scoring

V7 = ("perr_mean", "perr_max3", "perr_c4max", "spdp1r2_c4max")
EXTRA = ("mot1", "mot1_max3", "mot4", "grad", "int")
CHANNELS = V7 + EXTRA
WARM = dt.T - 1                       # a clip's first T-1 frames have a padded past
FOLDS, RATE, TAIL = 5, 0.001 / 10, 0.05   # the daemon's calibration (ProfileBuilder / ProfileCalibration: target / SafetyFactor)
F32 = np.float32

# a candidate head: channel names, standardisation, per-channel floor, frame-score window, attention temperature
Cand = namedtuple("Cand", "chans mode eps window beta")


def parse():
    root = dt.repo_root()
    p = argparse.ArgumentParser(prog="montrain.validate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenes", required=True, help="montrain.scenes output folder (train/, test/, labels.json)")
    p.add_argument("--labels", default="labels.json", help="labels file in --scenes: labels.json (pasted objects only, every "
                   "figure up to the ninth session) or labels-real.json (also vtest's real lawn crossing abnormal)")
    p.add_argument("--model", default=os.path.join(root, "models", "anomaly.onnx"))
    p.add_argument("--cache", default=os.path.join(root, "models", "training", "runs", "validate"))
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args()


# ----------------------------------------------------------------------------- features

def clip_dirs(root, split, scene):
    """[(clip name, folder)] of root/split/scene, sorted by name (= the daemon's run order)."""
    d = os.path.join(root, split, scene)
    return [(c, os.path.join(d, c)) for c in sorted(os.listdir(d)) if os.path.isdir(os.path.join(d, c))]


def extract(model, root, scene, cache_dir, sha):
    """{"train"|"test": {clip: raw channels float32 [F, len(CHANNELS), GH, GW]}}, from the cache when it is there."""
    # keyed by the channels AND the scenes' draw (their labels and manifest), so another scenes folder never reuses it
    h = hashlib.sha256(",".join(CHANNELS).encode())
    for name in ("labels.json", "manifest.json"):
        with open(os.path.join(root, name), "rb") as f:
            h.update(f.read())
    key = h.hexdigest()[:8]
    path = os.path.join(cache_dir, f"{scene}_{sha[:12]}_{key}_{dt.H}x{dt.W}.npz")
    z = scoring.load_cache(path)
    if z is not None:
        out = {"train": {}, "test": {}}
        for k, v in z.items():
            split, clip = k.split("__", 1)
            out[split][clip] = v
        print(f"{scene}: raw features from the cache {path}")
        return out
    out, n, t_load, t_feat = {"train": {}, "test": {}}, 0, 0.0, 0.0
    for split in out:
        for c, d in clip_dirs(root, split, scene):
            t0 = time.time()
            clip = dt.load_clip(d)                     # data.load_frame: the daemon's pre-processing
            t1 = time.time()
            out[split][c] = scoring.clip_features(model, clip, raw=True, names=CHANNELS)
            t_load, t_feat, n = t_load + t1 - t0, t_feat + time.time() - t1, n + len(clip)
    os.makedirs(cache_dir, exist_ok=True)
    np.savez(path, **{f"{s}__{c}": v for s, clips in out.items() for c, v in clips.items()})
    print(f"{scene}: extracted {n} frames, {len(CHANNELS)} channels: decode+resize {n / t_load:.0f} frames/s, "
          f"features {n / t_feat:.1f} frames/s (torch CPU, {torch.get_num_threads()} threads), "
          f"overall {n / (t_load + t_feat):.1f} frames/s; cached in {path}")
    return out


def global_constants(model, raws):
    """Per-channel global mean / std: the graph's baked Ped2 constants for v7's channels; for the others, montrain.train's
    rule (mean, std + 1e-6 over every cell of Ped2 training clips 01-13 = the ped2 scene's train clips 04-13 and its
    untouched test clips 01-03, which montrain.scenes byte-copies), else the first scene's train footage."""
    if "ped2" in raws:
        r = raws["ped2"]
        fit = [r["train"][c] for c in sorted(r["train"])] + [r["test"][c] for c in ("01", "02", "03") if c in r["test"]]
    else:
        r = raws[sorted(raws)[0]]
        fit = [r["train"][c] for c in sorted(r["train"])]
    allfit = np.concatenate(fit)
    g_mean, g_std = allfit.mean((0, 2, 3)), allfit.std((0, 2, 3)) + 1e-6
    baked = dict(zip(model.channels, zip(model.g_mean.numpy(), model.g_std.numpy())))
    for i, n in enumerate(CHANNELS):
        if n in baked:
            print(f"  {n:14s} baked mean/std {baked[n][0]:8.4f} / {baked[n][1]:.4f}   recomputed "
                  f"{g_mean[i]:8.4f} / {g_std[i]:.4f}")
            g_mean[i], g_std[i] = baked[n]
        else:
            print(f"  {n:14s} Ped2 mean/std (recomputed, for `global`) {g_mean[i]:8.4f} / {g_std[i]:.4f}")
    return g_mean.astype(F32), g_std.astype(F32)


def kind_of(clip):
    """'fast1' -> 'fast', '02_bike' -> 'bike', '01' -> None: the alphabetic part after an optional NN_ prefix."""
    m = re.fullmatch(r"(?:\d+_)?([A-Za-z]+)\d*", clip)
    return m.group(1) if m else None


class Scene:
    """One camera's footage, globally standardised: train [N, C, h, w] in clip order, test likewise, with labels."""

    def __init__(self, name, root, raw, labels, g_mean, g_std):
        std = lambda f: (f - g_mean[None, :, None, None]) / g_std[None, :, None, None]
        tr, te = sorted(raw["train"]), sorted(raw["test"])
        self.name, self.root = name, root
        self.train = np.concatenate([std(raw["train"][c]) for c in tr])
        self.warm = np.concatenate([np.arange(len(raw["train"][c])) < WARM for c in tr])
        self.test = np.concatenate([std(raw["test"][c]) for c in te])
        self.pos = np.concatenate([np.arange(len(raw["test"][c])) for c in te])
        ys, self.bounds, self.kind, start = [], [], [], 0
        for c in te:
            n = len(raw["test"][c])
            lab = labels[f"{name}/{c}"]
            assert lab["frames"] == n, f"{name}/{c}: {n} frames, labels.json says {lab['frames']}"
            y = np.zeros(n, bool)
            for a, b in lab["abnormal"]:
                y[a:b + 1] = True
            ys.append(y)
            self.bounds.append((start, start + n))
            self.kind += [kind_of(c) if y.any() else None] * n
            start += n
        self.y, self.kind = np.concatenate(ys), np.array(self.kind, object)
        self.kinds = sorted({k for k in self.kind if k})


# ----------------------------------------------------------------------------- the head in numpy

def cell_distance(f, mean, den, onesided):
    """The graph's per-cell RMS z-score s [N, h, w]: sqrt(mean_d(z^2 / den) + 1e-12), z = f - mean, one-sided
    channels clamped at 0; den = fed profile_var + eps (float32 like the graph)."""
    z = f - mean[None]
    z = np.where(onesided[None, :, None, None], np.maximum(z, F32(0)), z)
    return np.sqrt((z * z / den[None]).mean(1) + F32(1e-12)).astype(F32)


def sigmoid32(x):
    return (F32(1) / (F32(1) + np.exp(-x.astype(F32)))).astype(F32)


def window_scores(s, a, b, beta):
    """The graph's `score` per window from s [N, h, w]: sum over cells of softmax(beta*s) * sigmoid(a*(s - b)), (a, b)
    the constants the score pools (the map's for v1-v7, score_a / score_b from v8)."""
    flat = s.reshape(len(s), -1)
    amap = sigmoid32(F32(a) * (flat - F32(b)))
    e = np.exp(F32(beta) * (flat - flat.max(1, keepdims=True)))
    return ((e / e.sum(1, keepdims=True)) * amap).sum(1)


# The frame score of a profile `learn` writes (decision 0023); the tables before the sixteenth session used "mean".
SMOOTHING = "exponential"


def smooth(scores, bounds, window, smoothing=SMOOTHING):
    """The daemon's frame score: causal average over the last `window` windows' lag, restarting at every clip."""
    return np.concatenate([scoring.smooth_scores(scores[a:b], window, smoothing) for a, b in bounds])


def profile(f):
    """Per-cell mean and population variance (float64 sums, float32 result, like scoring.welford_profile)."""
    f = f.astype(np.float64)
    return f.mean(0).astype(F32), f.var(0).astype(F32)


def feature_scale(f):
    """sigma_d: the spread of each channel over every cell and frame (ProfileBuilder.Calibrate, floor 1e-4 on var)."""
    f = f.astype(np.float64)
    m, q = f.mean((0, 2, 3)), (f * f).mean((0, 2, 3))
    return np.sqrt(np.maximum(q - m * m, 1e-4)).astype(F32)


def upper_tail(x, rate=RATE):
    """ProfileBuilder.UpperTail: the larger of the empirical (1 - rate) point (bit above) and u + lambda*ln(0.05/rate),
    u = 95th percentile, lambda = mean excess over u."""
    x = np.sort(np.asarray(x, F32))
    n = len(x)
    emp = np.nextafter(x[min(max(n - 1 - int(np.floor(rate * n)), 0), n - 1)], F32(np.inf))
    u = x[int(np.floor((1 - TAIL) * (n - 1)))]
    over = x[x > u].astype(np.float64)
    if len(over) == 0:
        return emp
    return max(emp, F32(u + (over - u).mean() * np.log(TAIL / rate)))


def auc(scores, pos):
    """ROC-AUC by the rank statistic with average ranks for ties (= scoring.auc, vectorised)."""
    scores = np.asarray(scores, np.float64)
    order = np.argsort(scores, kind="mergesort")
    _, first, counts = np.unique(scores[order], return_index=True, return_counts=True)
    ranks = np.empty(len(scores))
    ranks[order] = np.repeat(first + (counts + 1) / 2.0, counts)
    npos, nneg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - npos * (npos + 1) / 2.0) / (npos * nneg))


class Head:
    """The distance part of a candidate: channel indices, one-sided mask, floors, standardisation."""

    def __init__(self, sc, cand):
        self.idx = [CHANNELS.index(c) for c in cand.chans]
        self.onesided = np.array([not net.two_sided(c) for c in cand.chans])
        tr = sc.train[:, self.idx]
        self.sigma = feature_scale(tr) if cand.mode == "camera" else np.ones(len(self.idx), F32)
        self.floor = (np.asarray(cand.eps, F32) * self.sigma ** 2)[:, None, None]
        self.tr = tr

    def distances(self, f, mean, var):
        """s [N, h, w] of the selected channels f [N, D, h, w] against the profile (mean, var)."""
        return cell_distance(f, mean, var + self.floor, self.onesided)

    def threshold(self, warm):
        """The daemon's per-camera threshold on the frame-max s: 5 contiguous folds, each against the other four."""
        n = len(self.tr)
        fold = np.arange(n) * FOLDS // n
        at = []
        for k in range(FOLDS):
            m, v = profile(self.tr[fold != k])
            s = self.distances(self.tr[fold == k], m, v)
            at.append(upper_tail(s.reshape(len(s), -1).max(1)[~warm[fold == k]]))
        return max(at)


def evaluate(sc, cands, cal_a, cal_b, score_ab=None):
    """{candidate: metrics} for one scene; the distances are computed once per (channels, mode, eps). The map uses
    (cal_a, cal_b), the score pools sigmoid(score_ab) (None: the map's constants, as v1-v7)."""
    pa, pb = score_ab or (cal_a, cal_b)
    res, groups = {}, {}
    for c in cands:
        groups.setdefault((c.chans, c.mode, c.eps), []).append(c)
    normal = ~sc.y
    quiet = normal & (sc.pos >= WARM)
    for (chans, mode, eps), members in groups.items():
        head = Head(sc, members[0])
        m, v = profile(head.tr)
        s = head.distances(sc.test[:, head.idx], m, v)
        at = head.threshold(sc.warm)
        peak = s.reshape(len(s), -1).max(1)
        thr_map = np.clip(sigmoid32(np.array([cal_a * (at - cal_b)])), 1e-4, 1)[0]
        fa = float((sigmoid32(F32(cal_a) * (peak - F32(cal_b)))[quiet] >= thr_map).mean())
        fa_s = float((peak[quiet] >= at).mean())
        raw = {}
        for c in members:
            if c.beta not in raw:
                raw[c.beta] = window_scores(s, pa, pb, c.beta)
            fs = smooth(raw[c.beta], sc.bounds, c.window)
            kinds = {}
            for k in sc.kinds:
                pos = (sc.kind == k) & sc.y              # that kind's abnormal frames against every normal frame
                kinds[k] = auc(np.r_[fs[pos], fs[normal]], np.r_[np.ones(pos.sum(), bool), np.zeros(normal.sum(), bool)])
            res[c] = dict(micro=auc(fs, sc.y), kinds=kinds, fa=fa, fa_s=fa_s, thr=float(at), sat=bool(thr_map >= 1))
    return res


# ----------------------------------------------------------------------------- check, grid, tables

@torch.no_grad()
def check_head(model, sc, raw_test, cal):
    """Max |numpy - torch| of features and frame scores on the first 24 windows of two test clips, for v7's channels
    with the graph's own eps: `global` feeds the variance, `camera` feeds var + eps*(sigma^2 - 1)."""
    eps = float(model.eps)
    dfeat, dscore = 0.0, 0.0
    clips = [c for c in sorted(raw_test) if raw_test[c].shape[0] >= 24][:2]
    for mode in ("global", "camera"):
        head = Head(sc, Cand(V7, mode, (eps,) * 4, 5, cal["beta"]))
        m, v = profile(head.tr)
        fed = v + F32(eps) * (head.sigma[:, None, None] ** 2 - F32(1))
        for c in clips:
            d = os.path.join(sc.root, "test", sc.name, c)
            x = torch.from_numpy(np.ascontiguousarray(dt.causal_windows(dt.load_clip(d))[:24]))
            n = len(x)
            f, _, _, score = model(x, torch.from_numpy(m)[None].expand(n, -1, -1, -1),
                                   torch.from_numpy(fed)[None].expand(n, -1, -1, -1))
            start = sc.bounds[sorted(raw_test).index(c)][0]
            mine = sc.test[start:start + n][:, head.idx]
            dfeat = max(dfeat, float(np.abs(f.numpy() - mine).max()))
            ours = window_scores(head.distances(mine, m, v), *score_constants(cal), cal["beta"])
            dscore = max(dscore, float(np.abs(scoring.smooth_scores(score.numpy(), 5) - scoring.smooth_scores(ours, 5)).max()))
    print(f"{sc.name}: head check (v7 channels, eps {eps:g}, global and camera, {len(clips)} clips x 24 windows): "
          f"max |features - torch| {dfeat:.2e}, max |frame score - torch| {dscore:.2e}")


SETS = {"v7": V7, "v7+int": V7 + ("int",), "v7+grad": V7 + ("grad",), "v7+int+grad": V7 + ("int", "grad"),
        "v7+mot1_max3": V7 + ("mot1_max3",), "v7+mot4": V7 + ("mot4",), "v7+mot1": V7 + ("mot1",),
        "v7+int+mot4": V7 + ("int", "mot4"), "v7+int+grad+mot4": V7 + ("int", "grad", "mot4")}


def score_constants(cal):
    """(a, b) of the sigmoid the model's score pools: score_a / score_b (v8), else the map's cal_a / cal_b."""
    return cal.get("score_a", cal["cal_a"]), cal.get("score_b", cal["cal_b"])


def label(c):
    name = next((k for k, v in SETS.items() if v == c.chans), "+".join(c.chans))
    base, new = c.eps[0], [e for n, e in zip(c.chans, c.eps) if n in EXTRA]
    eps = f"{base:g}" if all(e == base for e in c.eps) else f"{base:g}/new{new[0]:g}"
    tag = " [v7]" if c == V7_CAND else (" [v7+camera]" if c == V7_CAND._replace(mode="camera") else "")
    return f"{name} {c.mode} eps{eps} w{c.window} b{c.beta:g}{tag}"


V7_CAND = Cand(V7, "global", (8.0,) * 4, 5, 2.0)


def floors(chans, base, new):
    return tuple(float(new if n in EXTRA else base) for n in chans)


def grid_main():
    """Stage 1 (window 5, beta 2): every channel set x standardisation x uniform floor, plus own floors for the
    new channels."""
    out = []
    for name, chans in SETS.items():
        for mode in ("global", "camera"):
            for e in (32.0, 8.0, 2.0, 0.5):
                out.append(Cand(chans, mode, floors(chans, e, e), 5, 2.0))
            if name != "v7":
                for base in (8.0, 2.0):
                    for new in (0.5, 2.0, 8.0, 32.0):
                        if new != base:
                            out.append(Cand(chans, mode, floors(chans, base, new), 5, 2.0))
    return out


def grid_window_beta(best):
    """Stage 2: score window 1 / 5 x beta 1 / 2 / 3 / 4 for v7, v7+camera and the best heads of stage 1."""
    out = []
    for c in [V7_CAND, V7_CAND._replace(mode="camera")] + best:
        for w in (1, 5):
            for b in (1.0, 2.0, 3.0, 4.0):
                x = c._replace(window=w, beta=b)
                if x not in out:
                    out.append(x)
    return out


def grid_floor_beta():
    """Stage 3, after the first results: a larger floor shrinks s (~ 1/sqrt(floor) once var << floor), so it also
    softens the attention softmax(beta*s); floor and beta are tried jointly (window 5)."""
    out = []
    for chans, modes in ((V7, ("global", "camera")), (SETS["v7+int"], ("camera",)), (SETS["v7+int+grad"], ("camera",))):
        for mode in modes:
            for e in (8.0, 32.0, 128.0, 512.0):
                for b in (2.0, 4.0, 8.0, 16.0):
                    out.append(Cand(chans, mode, floors(chans, e, e), 5, b))
    return out


def print_scene(name, res, kinds):
    print(f"\n== scene {name}: micro AUC, AUC per kind (vs all normal frames), false alarms (share of normal frames "
          f"after the warm-up whose map reaches the per-camera threshold; FA_s: the same in s, without float32 "
          f"sigmoid saturation; * = threshold saturates the map)")
    print(f"{'candidate':52s} {'micro':>6s} " + " ".join(f"{k[:8]:>8s}" for k in kinds) + "    FA %  FA_s %")
    for c, r in res.items():
        print(f"{label(c):52s} {r['micro']:.4f} " + " ".join(f"{r['kinds'][k]:8.4f}" for k in kinds)
              + f"  {100 * r['fa']:6.2f}{'*' if r['sat'] else ' '} {100 * r['fa_s']:6.2f}")


def main():
    args = parse()
    labels_path = os.path.join(args.scenes, args.labels)
    if not os.path.isfile(labels_path):
        raise SystemExit(f"montrain.validate: no labels file {labels_path}; --labels names a file in --scenes (labels.json, "
                         f"or labels-real.json, which `python3 -m montrain.scenes` writes since the tenth session: re-generate "
                         f"the scenes folder with it)")
    torch.set_num_threads(args.threads)
    model, meta = ex.load_onnx_into_torch(args.model)
    cal = json.loads(meta["calibration"])
    assert cal["features"] == list(V7), f"expected v7's channels in the graph, found {cal['features']}"
    sha = hashlib.sha256(open(args.model, "rb").read()).hexdigest()
    labels = json.load(open(labels_path))
    names = sorted(n for n in os.listdir(os.path.join(args.scenes, "test")) if os.path.isdir(os.path.join(args.scenes, "test", n)))
    print(f"model {meta['model_name']} v{meta['model_version']} sha {sha[:12]}; scenes {names} in {args.scenes}")
    raws = {n: extract(model, args.scenes, n, args.cache, sha) for n in names}
    g_mean, g_std = global_constants(model, raws)
    scenes = {n: Scene(n, args.scenes, raws[n], labels, g_mean, g_std) for n in names}
    for n, sc in scenes.items():
        print(f"{n}: feature scale sigma_d (global units; `camera` divides by it): "
              + ", ".join(f"{c} {v:.3f}" for c, v in zip(CHANNELS, feature_scale(sc.train))))
        check_head(model, sc, raws[n]["test"], cal)
    t0 = time.time()
    main_grid = grid_main()
    res = {n: evaluate(sc, main_grid, cal["cal_a"], cal["cal_b"], score_constants(cal)) for n, sc in scenes.items()}
    mean_auc = lambda c: np.mean([res[n][c]["micro"] for n in names])
    best = [max(main_grid, key=lambda c: res[n][c]["micro"]) for n in names]   # each scene's best, then the
    for c in sorted(main_grid, key=mean_auc, reverse=True):                     # best by mean of 2 more sets
        if len(best) < len(names) + 2 and all(c.chans != b.chans for b in best[len(names):]) and c not in best:
            best.append(c)
    extra = []
    for c in grid_window_beta(best) + grid_floor_beta():
        if c not in main_grid and c not in extra:
            extra.append(c)
    for n, sc in scenes.items():
        res[n].update(evaluate(sc, extra, cal["cal_a"], cal["cal_b"], score_constants(cal)))
    print(f"\nevaluated {len(main_grid) + len(extra)} candidates x {len(names)} scenes in {time.time() - t0:.0f}s")
    for n in names:
        print_scene(n, res[n], scenes[n].kinds)
    cands = main_grid + extra
    print(f"\n== summary: micro AUC per scene, mean over scenes, false alarms % per scene")
    print(f"{'candidate':52s} " + " ".join(f"{n[:7]:>7s}" for n in names) + "    mean  " + " ".join(f"FA {n[:5]:>5s}" for n in names))
    for c in cands:
        print(f"{label(c):52s} " + " ".join(f"{res[n][c]['micro']:7.4f}" for n in names) + f"  {mean_auc(c):.4f}  "
              + " ".join(f"{100 * res[n][c]['fa']:8.2f}" for n in names))
    print("\n== best micro AUC")
    for n in names:
        top = sorted(cands, key=lambda c: res[n][c]["micro"], reverse=True)[:5]
        print(f"{n}: " + "; ".join(f"{label(c)} {res[n][c]['micro']:.4f}" for c in top))
    top = sorted(cands, key=mean_auc, reverse=True)[:8]
    print("mean: " + "; ".join(f"{label(c)} {mean_auc(c):.4f}" for c in top))
    keep = [c for c in cands if all(res[n][c]["micro"] >= res[n][V7_CAND]["micro"] for n in names)]
    print("not below v7 on any scene, by mean: " + "; ".join(
        f"{label(c)} " + "/".join(f"{res[n][c]['micro']:.4f}" for n in names)
        for c in sorted(keep, key=mean_auc, reverse=True)[:8]))
    tag = "" if args.labels == "labels.json" else "_" + os.path.splitext(args.labels)[0]
    out = os.path.join(args.cache, f"results_{os.path.basename(os.path.normpath(args.scenes))}{tag}.json")
    json.dump({n: {label(c): r for c, r in res[n].items()} for n in names}, open(out, "w"), indent=1)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
