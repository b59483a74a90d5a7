"""Features of whole clips, camera profiles, the head in numpy, the daemon's frame score, and AUC."""
import os

import numpy as np
import torch

from . import data


def load_cache(path):
    """{name: array} of a cached .npz, or None when it is not there yet."""
    if not os.path.exists(path):
        return None
    z = np.load(path)
    return {k: z[k] for k in z.files}


@torch.no_grad()
def clip_features(model, clip, batch=32, raw=False, names=None):
    """Features of every frame of a clip, causal windows with first-frame padding. -> [F,D,h,w]
    raw=True: the raw channels `names` (default: all of network.RAW_NAMES)."""
    win = data.causal_windows(clip)
    out = []
    for i in range(0, len(win), batch):
        x = torch.from_numpy(np.ascontiguousarray(win[i:i + batch]))
        out.append((model.raw_features(x, names) if raw else model.features(x)).numpy())
    return np.concatenate(out)


def welford_profile(feature_list):
    """Per-cell mean and POPULATION variance over all frames of all clips (what C# `learn` computes)."""
    allf = np.concatenate(feature_list).astype(np.float64)
    return allf.mean(0).astype(np.float32), allf.var(0).astype(np.float32)


def score_np(s, a, b, beta, score_ab=None):
    """numpy replica of the graph head: s [F,h,w] -> (map, attention, score); score_ab = the score's own sigmoid
    constants (v8), None = the score pools the map (v1-v7)."""
    amap = 1.0 / (1.0 + np.exp(-a * (s - b)))
    pooled = amap if score_ab is None else 1.0 / (1.0 + np.exp(-score_ab[0] * (s - score_ab[1])))
    z = (beta * s).reshape(len(s), -1)
    z = np.exp(z - z.max(1, keepdims=True))
    att = z / z.sum(1, keepdims=True)
    return amap, att.reshape(s.shape), (att * pooled.reshape(len(s), -1)).sum(1)


SMOOTHINGS = ("mean", "exponential")


def smooth_scores(scores, window, smoothing="mean"):
    """The daemon's frame score over one clip (C# ScoreSmoother; a clip is one run, so it starts afresh at the clip's
    first frame). "mean": the causal mean of the model's score over the last `window` frames (profiles learned before
    decision 0023). "exponential": an exponential mean with weight 2 / (window + 1) on the newest score, the plain
    mean's lag (profiles learned since); a score that is not finite reads as such for its frame and never enters it."""
    if smoothing not in SMOOTHINGS:
        raise ValueError(f"smoothing {smoothing!r}: use one of {', '.join(SMOOTHINGS)}")
    scores = np.asarray(scores, np.float64)
    if smoothing == "exponential":
        alpha, m = 2.0 / (window + 1), None
        out = scores.copy()
        for i, x in enumerate(scores):
            if np.isfinite(x):
                m = x if m is None else m + alpha * (x - m)
                out[i] = m
        return out
    if window <= 1:
        return scores
    c = np.concatenate([[0.0], np.cumsum(scores)])
    i = np.arange(1, len(scores) + 1)
    lo = np.maximum(i - window, 0)
    return (c[i] - c[lo]) / (i - lo)


def top_cell_hit(s, box):
    """Is the highest cell of the distance map s [h,w] on (within one cell of) the pasted box (y, x, h, w)?"""
    cy, cx = np.unravel_index(np.argmax(s), s.shape)
    y, x, ph, pw = box
    c = data.CELL // 2
    return bool(y - data.CELL < cy * data.CELL + c < y + ph + data.CELL and x - data.CELL < cx * data.CELL + c < x + pw + data.CELL)


def auc(scores, labels):
    """ROC-AUC via the rank statistic (ties get average ranks)."""
    scores = np.asarray(scores, np.float64)
    labels = np.asarray(labels).astype(bool)
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), np.float64)
    s = scores[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    npos, nneg = labels.sum(), (~labels).sum()
    return float((ranks[labels].sum() - npos * (npos + 1) / 2.0) / (npos * nneg))


if __name__ == "__main__":
    # python3 -m montrain.scoring WINDOW SMOOTHING SCORE...: one clip's frame scores, one per line (the product's
    # ScoreSmoother is checked against this by tests/Monitoring.Tests, ScoreSmootherTests).
    import sys
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1 or sys.argv[2] not in SMOOTHINGS:
        sys.exit(f"usage: python3 -m montrain.scoring WINDOW {{{'|'.join(SMOOTHINGS)}}} SCORE...  (WINDOW: a whole number >= 1)")
    for v in smooth_scores([float(x) for x in sys.argv[3:]], int(sys.argv[1]), sys.argv[2]):
        print(repr(float(v)))
