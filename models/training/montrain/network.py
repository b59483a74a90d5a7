"""The Monitoring anomaly model: the future-frame predictor, the per-cell feature channels and the head.

Contract "monitoring-anomaly/1" (see models/README.md):
  inputs  frames [N,T,H,W] grey in [0,1], current frame last; profile_mean, profile_var [N,D,h,w]
  outputs features [N,D,h,w], anomaly_map [N,1,h,w], attention [N,1,h,w], score [N]

The exported graph holds only the selected channels' operations (v7: perr_mean, perr_max3, perr_c4max,
spdp1r2_c4max). Changing the order in which operations or buffers are created changes the exporter's node
numbering, so the committed model would no longer re-export byte for byte: keep it when editing.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .data import CELL, T

CODE = 8         # channels of the predictor's per-cell code (its stride-8 bottleneck)

# Names of the raw per-cell feature channels the graph can compute (before selection): those of the adopted
# models (v2: the first seven; v3: perr_mean, perr_max3, perr_c4max; v5 and v7: v3's + spdp1r2_c4max) and the
# extra channels the scene validation (montrain.validate) measures (mot1, mot1_max3, mot4, grad, int). The other
# candidates of earlier sessions were removed with their experiments (git show 97e0d8a:models/training/monmodel.py).
RAW_NAMES = ["perr_mean", "perr_max3", "perr_cellmax", "mot1", "mot2", "mot4", "mot1_max3", "grad", "int",
             "perr_c4max", "spdp1r2_c4max"]

# channels compared with the profile in both directions (a look, not an excess of error/motion)
TWO_SIDED = ("int",)

SPEED_TAU = 0.03   # box-mean |difference| that counts as motion


def two_sided(name):
    return name.startswith(TWO_SIDED)


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.ReLU(inplace=True))


class Predictor(nn.Module):
    """Small U-Net: the T-1 past frames -> the current frame (residual on the last past frame).

    Its stride-8 bottleneck is a CODE-channel map on the cell grid (GH x GW)."""

    def __init__(self, c1=8, c2=16, c3=32):
        super().__init__()
        self.e1 = nn.Sequential(conv(T - 1, c1), conv(c1, c1))
        self.e2 = nn.Sequential(conv(c1, c2, 2), conv(c2, c2))
        self.e3 = nn.Sequential(conv(c2, c3, 2), conv(c3, c3))
        self.b = nn.Sequential(conv(c3, c3, 2), nn.Conv2d(c3, CODE, 1))
        self.bu = nn.Sequential(nn.Conv2d(CODE, c3, 1), nn.ReLU(inplace=True))
        self.d3 = conv(2 * c3, c3)
        self.d2 = conv(c3 + c2, c2)
        self.d1 = conv(c2 + c1, c1)
        self.out = nn.Conv2d(c1, 1, 3, 1, 1)

    def forward(self, past):
        up = lambda z: F.interpolate(z, scale_factor=2.0, mode="nearest")
        e1 = self.e1(past)
        e2 = self.e2(e1)
        e3 = self.e3(e2)
        code = self.b(e3)
        z = self.d3(torch.cat([up(self.bu(code)), e3], 1))
        z = self.d2(torch.cat([up(z), e2], 1))
        z = self.d1(torch.cat([up(z), e1], 1))
        pred = past[:, -1:] + self.out(z)
        return pred, code


def block_speed(cur, past, radius, box=5, tau=SPEED_TAU):
    """Apparent displacement magnitude (model px) of each pixel between `past` and `cur` [N,1,H,W],
    by block matching: for every offset d with |dx|,|dy| <= radius, the box-mean absolute difference
    between cur(x) and past(x - d); the offset with the smallest difference wins (ties -> the smaller
    displacement). Pixels whose zero-offset difference is below tau (no motion) get 0."""
    h, w = cur.shape[-2:]
    r = radius
    pp = F.pad(past, (r, r, r, r), mode="replicate")
    offs = sorted(((dy, dx) for dy in range(-r, r + 1) for dx in range(-r, r + 1)),
                  key=lambda o: (o[0] ** 2 + o[1] ** 2, o))
    diffs = torch.cat([(cur - pp[:, :, r - dy:r - dy + h, r - dx:r - dx + w]).abs() for dy, dx in offs], 1)
    # the box mean as two 1-D passes (the same numbers up to rounding; 2*box instead of box^2 additions,
    # which halves the v5 graph's cost in ONNX Runtime)
    sad = F.avg_pool2d(diffs, (1, box), 1, (0, box // 2), count_include_pad=False)
    sad = F.avg_pool2d(sad, (box, 1), 1, (box // 2, 0), count_include_pad=False)
    mags = torch.tensor([float((dy * dy + dx * dx) ** 0.5) for dy, dx in offs])
    sad = sad + 1e-4 * mags.view(1, -1, 1, 1)
    idx = torch.argmin(sad, 1)                                     # [N,H,W]
    spd = mags[idx].unsqueeze(1)
    moving = (sad[:, :1] > tau).float()
    return spd * moving


class AnomalyModel(nn.Module):
    """frames + per-camera profile -> features, anomaly_map, attention, score."""

    def __init__(self, select=None, onesided=True):
        super().__init__()
        self.pred = Predictor()
        nraw = len(RAW_NAMES)
        select = list(range(nraw)) if select is None else list(select)
        self.register_buffer("select", torch.tensor(select, dtype=torch.long))
        d = len(select)
        # global per-channel standardisation of the selected raw features (from training data)
        self.register_buffer("g_mean", torch.zeros(d))
        self.register_buffer("g_std", torch.ones(d))
        # 1 = only an excess over the profile mean counts (errors, motion); 0 = both directions
        self.register_buffer("onesided", torch.tensor(
            [1.0 if onesided and not two_sided(RAW_NAMES[i]) else 0.0 for i in select]))
        # calibration: var floor, sigmoid slope/offset on the RMS z-score, attention temperature
        self.register_buffer("eps", torch.tensor(0.01))
        self.register_buffer("cal_a", torch.tensor(2.0))
        self.register_buffer("cal_b", torch.tensor(3.0))
        self.register_buffer("beta", torch.tensor(2.0))
        # v8: the frame score pools its own sigmoid of s, (a, b) = score_ab, while anomaly_map keeps cal_a / cal_b;
        # None (v1-v7) = the score pools anomaly_map itself (and the graph is byte-identical to theirs)
        self.score_ab = None
        # v8: the region threshold the daemon falls back to when a camera learned too little to derive its own
        # (metadata calibration.default_threshold); None (v1-v7) = the daemon's 0.9
        self.default_threshold = None

    @property
    def dim(self):
        return int(self.select.numel())

    @property
    def channels(self):
        """Names of the selected channels, in the order of `features`."""
        return [RAW_NAMES[i] for i in self.select.tolist()]

    def raw_features(self, frames, names=None):
        """[N, len(names), GH, GW] raw (log) per-cell channels; only the requested ones are computed,
        so the exported graph contains only the selected features' operations."""
        names = list(RAW_NAMES) if names is None else list(names)
        cur = frames[:, -1:]
        memo = {}

        def get(key, fn):
            if key not in memo:
                memo[key] = fn()
            return memo[key]

        cellpool = lambda z: F.avg_pool2d(z, CELL)
        max3 = lambda z: F.max_pool2d(z, 3, 1, 1)
        cmax = lambda z: F.max_pool2d(F.avg_pool2d(z, 2), CELL // 2)    # worst 2x2 block of the cell
        c4 = lambda z: F.max_pool2d(F.avg_pool2d(z, 4), CELL // 4)      # worst 4x4 block of the cell
        lg = lambda z, c: torch.log(z + c)
        pred = lambda: get("pred", lambda: self.pred(frames[:, :-1]))
        err = lambda: get("err", lambda: (pred()[0] - cur) ** 2)
        perr = lambda: get("perr", lambda: cellpool(err()))
        perr_c4 = lambda: get("perr_c4", lambda: c4(err()))
        dlag = lambda k: get(f"d{k}", lambda: (cur - frames[:, -1 - k:frames.shape[1] - k]).abs())
        m1 = lambda: get("m1", lambda: cellpool(dlag(1)))
        spd = lambda lag, r: get(f"spd{lag}_{r}", lambda: block_speed(cur, frames[:, -1 - lag:frames.shape[1] - lag], r))

        def grad():
            gx = cur[:, :, :, 1:] - cur[:, :, :, :-1]
            gy = cur[:, :, 1:, :] - cur[:, :, :-1, :]
            return cellpool(F.pad(gx.abs(), (0, 1, 0, 0))) + cellpool(F.pad(gy.abs(), (0, 0, 0, 1)))

        fns = {
            "perr_mean": lambda: lg(perr(), 1e-4),
            "perr_max3": lambda: lg(max3(perr()), 1e-4),
            "perr_cellmax": lambda: lg(cmax(err()), 1e-4),
            "mot1": lambda: lg(m1(), 1e-3),
            "mot2": lambda: lg(cellpool(dlag(2)), 1e-3),
            "mot4": lambda: lg(cellpool(dlag(T - 1)), 1e-3),
            "mot1_max3": lambda: lg(max3(m1()), 1e-3),
            "grad": lambda: lg(grad(), 1e-3),
            "int": lambda: cellpool(cur),
            "perr_c4max": lambda: lg(perr_c4(), 1e-4),
            # speed of the mispredicted pixels only (lag 1, block matching within +-2 px)
            "spdp1r2_c4max": lambda: lg(c4(spd(1, 2) * (err() > 0.002).float()), 0.1),
        }
        return torch.cat([fns[n]() for n in names], 1)

    def features(self, frames):
        f = self.raw_features(frames, self.channels)
        return (f - self.g_mean.view(1, -1, 1, 1)) / self.g_std.view(1, -1, 1, 1)

    def forward(self, frames, profile_mean, profile_var):
        f = self.features(frames)
        diff = f - profile_mean
        diff = diff - self.onesided.view(1, -1, 1, 1) * torch.clamp(diff, max=0.0)
        d2 = (diff ** 2 / (profile_var + self.eps)).mean(1, keepdim=True)
        s = torch.sqrt(d2 + 1e-12)                      # RMS z-score of the cell
        amap = torch.sigmoid(self.cal_a * (s - self.cal_b))
        n = s.shape[0]
        att = torch.softmax((self.beta * s).reshape(n, -1), 1).reshape(s.shape)
        pooled = amap if self.score_ab is None else torch.sigmoid(self.score_ab[0] * (s - self.score_ab[1]))
        score = (att * pooled).reshape(n, -1).sum(1)
        return f, amap, att, score


def distances_np(feat, mean, var, eps, onesided=None):
    """numpy replica of the graph's per-cell RMS z-score (for fast evaluation of variants)."""
    diff = feat - mean
    if onesided is not None:
        diff = diff - np.asarray(onesided, np.float32)[None, :, None, None] * np.minimum(diff, 0)
    return np.sqrt((diff ** 2 / (var + eps)).mean(1) + 1e-12)
