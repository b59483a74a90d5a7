"""The Monitoring anomaly model: data loading, the network, and the ONNX contract.

Contract "monitoring-anomaly/1" (see models/README.md):
  inputs  frames [N,T,H,W] grey in [0,1], current frame last; profile_mean, profile_var [N,D,h,w]
  outputs features [N,D,h,w], anomaly_map [N,1,h,w], attention [N,1,h,w], score [N]
"""
import os

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

T = 5            # 4 past frames + the current one
H, W = (int(v) for v in os.environ.get("MONMODEL_HW", "128x192").split("x"))  # model input (3:2 aspect); v4 experiment: MONMODEL_HW=176x264
CELL = 8         # cell size in model pixels -> grid 16 x 24
GH, GW = H // CELL, W // CELL
CODE = 8         # channels of the predictor's per-cell code

PREPROCESS = (f"cv2.imread (BGR) -> cv2.resize(dsize=({W},{H}), interpolation=INTER_AREA) -> "
              "cv2.cvtColor(COLOR_BGR2GRAY) -> float32 / 255; frames[:, -1] is the current frame, "
              "frames[:, 0..T-2] the previous ones oldest first; at a clip start missing past frames "
              "are copies of the first frame")


# ----------------------------------------------------------------------------- data

def load_frame(path):
    """Exactly the C# pre-processing: decode BGR, INTER_AREA resize, then BGR->grey, /255."""
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(path)
    small = cv2.resize(bgr, (W, H), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return grey.astype(np.float32) / 255.0


def load_clip(clip_dir):
    names = sorted(n for n in os.listdir(clip_dir) if n.lower().endswith(".jpg"))
    return np.stack([load_frame(os.path.join(clip_dir, n)) for n in names])


def load_split(root, split, cache_dir=None):
    """{clip_name: float32 [F,H,W]} for every clip folder of root/split, cached as .npz."""
    cache = None
    if cache_dir:
        os.makedirs(cache_dir, exist_ok=True)
        cache = os.path.join(cache_dir, f"ped2_{split}_{H}x{W}.npz")
        if os.path.exists(cache):
            z = np.load(cache)
            return {k: z[k] for k in sorted(z.files)}
    d = os.path.join(root, split)
    clips = {c: load_clip(os.path.join(d, c)) for c in sorted(os.listdir(d))
             if os.path.isdir(os.path.join(d, c))}
    if cache:
        np.savez(cache, **clips)
    return clips


def causal_windows(clip, t=T):
    """[F,H,W] -> [F,t,H,W]: window of frame i = frames i-t+1..i, indices < 0 clamped to frame 0."""
    n = clip.shape[0]
    idx = np.arange(n)[:, None] + np.arange(-t + 1, 1)[None, :]
    return clip[np.clip(idx, 0, None)]


# ----------------------------------------------------------------------------- network

def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.ReLU(inplace=True))


class Predictor(nn.Module):
    """Small U-Net: the T-1 past frames -> the current frame (residual on the last past frame).

    Its stride-8 bottleneck is a CODE-channel map on the cell grid (GH x GW)."""

    def __init__(self, c1=8, c2=16, c3=32, variant=None):
        super().__init__()
        # v7 experiment (MONMODEL_PRED="noskip1,nores"): without the full-resolution skip and the residual on the
        # last frame, the predictor must render the frame from coarser features (less able to copy what it has
        # not learned to draw). Default: neither, the committed architecture.
        variant = set(filter(None, (os.environ.get("MONMODEL_PRED", "") if variant is None else variant).split(",")))
        self.skip1, self.residual = "noskip1" not in variant, "nores" not in variant
        self.e1 = nn.Sequential(conv(T - 1, c1), conv(c1, c1))
        self.e2 = nn.Sequential(conv(c1, c2, 2), conv(c2, c2))
        self.e3 = nn.Sequential(conv(c2, c3, 2), conv(c3, c3))
        self.b = nn.Sequential(conv(c3, c3, 2), nn.Conv2d(c3, CODE, 1))
        self.bu = nn.Sequential(nn.Conv2d(CODE, c3, 1), nn.ReLU(inplace=True))
        self.d3 = conv(2 * c3, c3)
        self.d2 = conv(c3 + c2, c2)
        self.d1 = conv(c2 + c1 if self.skip1 else c2, c1)
        self.out = nn.Conv2d(c1, 1, 3, 1, 1)

    def forward(self, past):
        up = lambda z: F.interpolate(z, scale_factor=2.0, mode="nearest")
        e1 = self.e1(past)
        e2 = self.e2(e1)
        e3 = self.e3(e2)
        code = self.b(e3)
        z = self.d3(torch.cat([up(self.bu(code)), e3], 1))
        z = self.d2(torch.cat([up(z), e2], 1))
        z = self.d1(torch.cat([up(z), e1], 1) if self.skip1 else up(z))
        pred = past[:, -1:] + self.out(z) if self.residual else self.out(z)
        return pred, code


# Names of the raw per-cell feature channels the graph can compute (before selection).
RAW_NAMES = (["perr_mean", "perr_max3", "perr_cellmax", "mot1", "mot2", "mot4", "mot1_max3",
              "grad", "int"] + [f"code{i}" for i in range(CODE)]
             # v3 candidates: fine-scale (worst 2x2 block of the cell) motion, and temporal persistence
             + ["mot1_cmax", "mot2_cmax", "mot4_cmax", "mot1_cmax_max3", "perr_cmax_max3",
                "persist", "trail_cmax", "perr_c4max", "perr_c4max_max3"]
             # v5 candidates: apparent speed from block matching (contrast- and size-independent)
             + ["spd1_c4max", "spd2_c4max", "spd1_max", "spd2_max", "spd2_c4max_max3", "spdp_c4max",
                "spdp1_c4max", "spdp_c4max_e1", "spdp_c4max_e4", "spdps_c4max", "spdps1_c4max",
                "spdp1r2_c4max", "spdp1r2b3_c4max"]
             # v7 candidates: "moves but is predicted too well" - frame-difference energy over prediction error
             + ["ratio1_mean", "ratio1_c4max", "ratio1_c4max_max3", "ratio2_c4max"]
             # v7 candidates: appearance novelty = squared distance of the predictor's encoder features to the
             # nearest of K prototypes of normal footage (AnomalyModel.protos), worst position of the cell
             + ["nov2_c", "nov3_c", "nov3_mean", "novp_c", "novp_mean"]
             # v7 candidates: squared error of the appearance auto-encoder (AnomalyModel.ae) at half resolution
             + ["aerr_mean", "aerr_c2max", "aerr_max3"]
             # v7 candidate: rigid motion - moving 4x4 blocks whose pixels all move at the same apparent speed
             + ["rig1_c4max", "rig1_c4max_max3"]
             # v7 candidate: appearance-motion mismatch (AnomalyModel.amot): more / other motion than the look explains
             + ["amot_pos_c2max", "amot_sq_c2max", "amot_sq_mean"]
             # v7 candidates: edge orientation of the MOVING pixels (structure tensor of the current frame, weighted by
             # the block-matching motion mask): walkers are vertical edges; wheels, frames, thighs on pedals are not
             + ["ori_hr_c4max", "ori_hr_mean", "ori_a_mean", "ori_b_mean", "ori_hre_c4max"])

# channels compared with the profile in both directions (a look or an orientation, not an excess of error/motion)
TWO_SIDED = ("code", "int", "ori_a", "ori_b")


def two_sided(name):
    return name.startswith(TWO_SIDED)


SPEED_TAU = float(os.environ.get("MONMODEL_SPEED_TAU", "0.03"))   # box-mean |difference| that counts as motion


def block_speed(cur, past, radius, box=5, tau=None, stride=1):
    """Apparent displacement magnitude (model px) of each pixel between `past` and `cur` [N,1,H,W],
    by block matching: for every offset d with |dx|,|dy| <= radius, the box-mean absolute difference
    between cur(x) and past(x - d); the offset with the smallest difference wins (ties -> the smaller
    displacement). Pixels whose zero-offset difference is below tau (no motion) get 0."""
    tau = SPEED_TAU if tau is None else tau
    h, w = cur.shape[-2:]
    r = radius
    pp = F.pad(past, (r, r, r, r), mode="replicate")
    offs = sorted(((dy, dx) for dy in range(-r, r + 1) for dx in range(-r, r + 1)),
                  key=lambda o: (o[0] ** 2 + o[1] ** 2, o))
    diffs = torch.cat([(cur - pp[:, :, r - dy:r - dy + h, r - dx:r - dx + w]).abs() for dy, dx in offs], 1)
    if stride > 1:
        sad = F.avg_pool2d(diffs, box, stride, (box - stride) // 2, count_include_pad=False)
    else:
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


def patches(frames):
    """v7 candidate descriptor: at half resolution, the current frame's high-pass, the lag-1 and the previous
    lag-1 differences; 4x4 patches every 2 half-res px (8x8 model px every 4: 2x2 per cell) -> [N, 48, GH*2, GW*2]"""
    x = F.avg_pool2d(frames[:, -3:], 2)                                   # [N, 3, H/2, W/2]: t-2, t-1, t
    hp = x[:, 2:3] - F.avg_pool2d(x[:, 2:3], 3, 1, 1, count_include_pad=False)
    z = torch.cat([hp, x[:, 2:3] - x[:, 1:2], x[:, 1:2] - x[:, 0:1]], 1)
    z = F.pad(z, (1, 1, 1, 1), mode="replicate")
    return F.unfold(z, 4, stride=2).view(z.shape[0], 48, GH * 2, GW * 2)


class AppearanceAE(nn.Module):
    """v7 candidate: a small auto-encoder of the CURRENT frame alone (no skips, a 4-channel stride-8 code),
    output at half resolution. Trained on normal frames, it renders usual appearance; its error is the
    appearance cue for things that move like pedestrians but do not look like them."""

    def __init__(self, code=4):
        super().__init__()
        self.enc = nn.Sequential(conv(1, 8, 2), conv(8, 16, 2), conv(16, 16), conv(16, 32, 2), nn.Conv2d(32, code, 1))
        self.dec = nn.Sequential(nn.Conv2d(code, 32, 1), nn.ReLU(inplace=True), nn.Upsample(scale_factor=2.0),
                                 conv(32, 16), nn.Upsample(scale_factor=2.0), conv(16, 8), nn.Conv2d(8, 1, 3, 1, 1))

    def forward(self, cur):
        return self.dec(self.enc(cur))


class AppearanceMotion(nn.Module):
    """v7 candidate: predicts the lag-1 frame-difference magnitude (half resolution) from the CURRENT frame's
    appearance alone (a small U-Net). Trained on normal frames, it learns which things move and how (a
    pedestrian's legs); an object whose motion does not match its appearance leaves a residual."""

    def __init__(self):
        super().__init__()
        self.e1, self.e2, self.e3 = conv(1, 8, 2), conv(8, 16, 2), conv(16, 32, 2)
        self.d2, self.d1 = conv(32 + 16, 16), conv(16 + 8, 8)
        self.out = nn.Conv2d(8, 1, 3, 1, 1)

    def forward(self, cur):
        up = lambda z: F.interpolate(z, scale_factor=2.0, mode="nearest")
        e1 = self.e1(cur)
        e2 = self.e2(e1)
        e3 = self.e3(e2)
        z = self.d2(torch.cat([up(e3), e2], 1))
        z = self.d1(torch.cat([up(z), e1], 1))
        return self.out(z)


def motion_target(frames):
    """What AppearanceMotion predicts: |current - previous| at half resolution [N,1,H/2,W/2]."""
    return F.avg_pool2d((frames[:, -1:] - frames[:, -2:-1]).abs(), 2)


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
        # per-channel weight of the cell distance (the v6 experiment: the predictor's code channels count less);
        # all ones = the plain mean over channels. Not a buffer, and used only when weighted, so a model without
        # weights exports byte-identically to the earlier code (buffers shift the exporter's node numbering).
        self.weight = torch.ones(d)
        self.weighted = False
        self.amot = None        # v7 candidate: an AppearanceMotion, only for the amot* channels
        self.ae = None          # v7 candidate: an AppearanceAE, only for the aerr* channels
        self.protos = {}        # v7 candidates: {"e2"/"e3": [K, C] prototypes}; empty unless a nov* channel is used
        self.register_buffer("eps", torch.tensor(0.01))
        self.register_buffer("cal_a", torch.tensor(2.0))
        self.register_buffer("cal_b", torch.tensor(3.0))
        self.register_buffer("beta", torch.tensor(2.0))

    def set_weights(self, weights):
        self.weight = torch.as_tensor(weights, dtype=torch.float32).clone()
        self.weighted = bool((self.weight != 1).any())

    @property
    def dim(self):
        return int(self.select.numel())

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
        lg = lambda z, c: torch.log(z + c)
        pred = lambda: get("pred", lambda: self.pred(frames[:, :-1]))
        err = lambda: get("err", lambda: (pred()[0] - cur) ** 2)
        perr = lambda: get("perr", lambda: cellpool(err()))
        perr_cmax = lambda: get("perr_cmax", lambda: cmax(err()))
        perr_c4 = lambda: get("perr_c4", lambda: F.max_pool2d(F.avg_pool2d(err(), 4), CELL // 4))
        dlag = lambda k: get(f"d{k}", lambda: (cur - frames[:, -1 - k:frames.shape[1] - k]).abs())
        m1 = lambda: get("m1", lambda: cellpool(dlag(1)))
        m1c = lambda: get("m1c", lambda: cmax(dlag(1)))
        c4 = lambda z: F.max_pool2d(F.avg_pool2d(z, 4), CELL // 4)         # worst 4x4 block of the cell
        c2 = lambda z: F.max_pool2d(F.avg_pool2d(z, 2), CELL // 4)         # same 4x4-px blocks on a half-res map
        spds = lambda lag, r: get(f"spds{lag}_{r}", lambda: block_speed(cur, frames[:, -1 - lag:frames.shape[1] - lag], r, box=4, stride=2))
        spd = lambda lag, r: get(f"spd{lag}_{r}", lambda: block_speed(cur, frames[:, -1 - lag:frames.shape[1] - lag], r))
        cons = lambda: get("cons", lambda: (frames[:, 1:] - frames[:, :-1]).abs())   # [N, T-1, H, W]

        def grad():
            gx = cur[:, :, :, 1:] - cur[:, :, :, :-1]
            gy = cur[:, :, 1:, :] - cur[:, :, :-1, :]
            return cellpool(F.pad(gx.abs(), (0, 1, 0, 0))) + cellpool(F.pad(gy.abs(), (0, 0, 0, 1)))

        fns = {
            "perr_mean": lambda: lg(perr(), 1e-4),
            "perr_max3": lambda: lg(max3(perr()), 1e-4),
            "perr_cellmax": lambda: lg(perr_cmax(), 1e-4),
            "mot1": lambda: lg(m1(), 1e-3),
            "mot2": lambda: lg(cellpool(dlag(2)), 1e-3),
            "mot4": lambda: lg(cellpool(dlag(T - 1)), 1e-3),
            "mot1_max3": lambda: lg(max3(m1()), 1e-3),
            "grad": lambda: lg(grad(), 1e-3),
            "int": lambda: cellpool(cur),
            "mot1_cmax": lambda: lg(m1c(), 1e-3),
            "mot2_cmax": lambda: lg(cmax(dlag(2)), 1e-3),
            "mot4_cmax": lambda: lg(cmax(dlag(T - 1)), 1e-3),
            "mot1_cmax_max3": lambda: lg(max3(m1c()), 1e-3),
            "perr_cmax_max3": lambda: lg(max3(perr_cmax()), 1e-4),
            # moving in EVERY consecutive pair of the window (3x3-cell neighbourhood, worst 2x2 block)
            "persist": lambda: lg(torch.min(max3(F.max_pool2d(F.avg_pool2d(cons(), 2), CELL // 2)), 1,
                                            keepdim=True)[0], 1e-3),
            "trail_cmax": lambda: lg(cmax(cons().mean(1, keepdim=True)), 1e-3),   # motion trail
            "perr_c4max": lambda: lg(perr_c4(), 1e-4),
            "perr_c4max_max3": lambda: lg(max3(perr_c4()), 1e-4),
            "spd1_c4max": lambda: lg(c4(spd(1, 3)), 0.1),
            "spd2_c4max": lambda: lg(c4(spd(2, 4)), 0.1),
            "spd1_max": lambda: lg(F.max_pool2d(spd(1, 3), CELL), 0.1),
            "spd2_max": lambda: lg(F.max_pool2d(spd(2, 4), CELL), 0.1),
            "spd2_c4max_max3": lambda: lg(max3(c4(spd(2, 4))), 0.1),
            # speed relative to the predictor's error: only mispredicted moving pixels
            "spdp_c4max": lambda: lg(c4(spd(2, 4) * (err() > 0.002).float()), 0.1),
            "spdp1_c4max": lambda: lg(c4(spd(1, 3) * (err() > 0.002).float()), 0.1),
            "spdp1r2_c4max": lambda: lg(c4(spd(1, 2) * (err() > 0.002).float()), 0.1),
            "spdp1r2b3_c4max": lambda: lg(c4(get("spd1_2_b3", lambda: block_speed(cur, frames[:, -2:-1], 2, box=3))
                                             * (err() > 0.002).float()), 0.1),
            "spdp_c4max_e1": lambda: lg(c4(spd(2, 4) * (err() > 0.001).float()), 0.1),
            "spdp_c4max_e4": lambda: lg(c4(spd(2, 4) * (err() > 0.004).float()), 0.1),
            # stride-2 block matching (4x4 boxes every 2 px): a quarter of the matching cost
            "spdps_c4max": lambda: lg(c2(spds(2, 4) * F.max_pool2d((err() > 0.002).float(), 2)), 0.1),
            "spdps1_c4max": lambda: lg(c2(spds(1, 3) * F.max_pool2d((err() > 0.002).float(), 2)), 0.1),
        }
        # log of (squared lag-k frame difference) / (squared prediction error), per 4x4 block or cell: high where
        # the scene changes but the predictor explains it (a rigid glider), low for a walker's swinging limbs
        msq = lambda k: get(f"msq{k}", lambda: (cur - frames[:, -1 - k:frames.shape[1] - k]) ** 2)
        rblk = lambda k: get(f"rblk{k}", lambda: lg(F.avg_pool2d(msq(k), 4), 1e-3) - lg(F.avg_pool2d(err(), 4), 1e-3))
        fns["ratio1_mean"] = lambda: lg(cellpool(msq(1)), 1e-3) - lg(perr(), 1e-3)
        fns["ratio1_c4max"] = lambda: F.max_pool2d(rblk(1), CELL // 4)
        fns["ratio1_c4max_max3"] = lambda: max3(F.max_pool2d(rblk(1), CELL // 4))
        fns["ratio2_c4max"] = lambda: F.max_pool2d(rblk(2), CELL // 4)
        def enc():
            def run():
                e1 = self.pred.e1(frames[:, :-1])
                e2 = self.pred.e2(e1)
                return e2, self.pred.e3(e2)
            return get("enc", run)

        def nov(level):
            def run():
                e = enc()[0 if level == "e2" else 1]
                m = self.protos[level]                                   # [K, C]
                d = (e * e).sum(1, keepdim=True) - 2 * F.conv2d(e, m[:, :, None, None]) \
                    + (m * m).sum(1).view(1, -1, 1, 1)
                return torch.clamp(d.min(1, keepdim=True)[0], min=0.0)
            return get("nov" + level, run)
        def novp():
            def run():
                p = patches(frames)                                      # [N, 48, h, w] (4x4 px at half res)
                m = self.protos["p"]
                d = (p * p).sum(1, keepdim=True) - 2 * F.conv2d(p, m[:, :, None, None]) \
                    + (m * m).sum(1).view(1, -1, 1, 1)
                return torch.clamp(d.min(1, keepdim=True)[0], min=0.0)
            return get("novp", run)
        fns["novp_c"] = lambda: lg(F.max_pool2d(novp(), 2, 2, ceil_mode=True)[:, :, :GH, :GW], 1e-3)
        fns["novp_mean"] = lambda: lg(F.avg_pool2d(novp(), 2, 2, ceil_mode=True)[:, :, :GH, :GW], 1e-3)
        aerr = lambda: get("aerr", lambda: (self.ae(cur) - F.avg_pool2d(cur, 2)) ** 2)   # [N,1,H/2,W/2]
        fns["aerr_mean"] = lambda: lg(F.avg_pool2d(aerr(), CELL // 2), 1e-4)
        fns["aerr_c2max"] = lambda: lg(F.max_pool2d(F.avg_pool2d(aerr(), 2), CELL // 4), 1e-4)
        fns["aerr_max3"] = lambda: lg(max3(F.avg_pool2d(aerr(), CELL // 2)), 1e-4)
        def rig():
            def run():
                v = spd(1, 2)
                mv = (v > 0).float()
                frac = F.avg_pool2d(mv, 4)
                m1 = F.avg_pool2d(v, 4) / (frac + 1e-6)
                m2 = F.avg_pool2d(v * v, 4) / (frac + 1e-6)
                var = torch.clamp(m2 - m1 * m1, min=0.0)
                return frac * (1 - torch.clamp(var / 0.5, max=1.0))
            return get("rig", run)
        fns["rig1_c4max"] = lambda: lg(F.max_pool2d(rig(), CELL // 4), 0.1)
        fns["rig1_c4max_max3"] = lambda: lg(max3(F.max_pool2d(rig(), CELL // 4)), 0.1)
        ares = lambda: get("ares", lambda: motion_target(frames) - self.amot(cur))
        fns["amot_pos_c2max"] = lambda: lg(F.max_pool2d(F.avg_pool2d(F.relu(ares()) ** 2, 2), CELL // 4), 1e-4)
        fns["amot_sq_c2max"] = lambda: lg(F.max_pool2d(F.avg_pool2d(ares() ** 2, 2), CELL // 4), 1e-4)
        fns["amot_sq_mean"] = lambda: lg(F.avg_pool2d(ares() ** 2, CELL // 2), 1e-4)
        fns["nov2_c"] = lambda: lg(F.max_pool2d(nov("e2"), CELL // 2), 1e-2)
        fns["nov3_c"] = lambda: lg(F.max_pool2d(nov("e3"), CELL // 4), 1e-2)
        fns["nov3_mean"] = lambda: lg(F.avg_pool2d(nov("e3"), CELL // 4), 1e-2)
        def tensor(gate):
            def run():
                gx = F.pad(cur[:, :, :, 2:] - cur[:, :, :, :-2], (1, 1, 0, 0)) * 0.5
                gy = F.pad(cur[:, :, 2:, :] - cur[:, :, :-2, :], (0, 0, 1, 1)) * 0.5
                w = (spd(1, 2) > 0).float() if gate == "mov" else (err() > 0.002).float()
                return w * gx * gx, w * gy * gy, w * gx * gy
            return get("tensor_" + gate, run)
        def hr(gate, pool):
            jxx, jyy, _ = tensor(gate)
            return torch.log(pool(jyy) + 1e-4) - torch.log(pool(jxx) + 1e-4)
        fns["ori_hr_c4max"] = lambda: F.max_pool2d(hr("mov", lambda z: F.avg_pool2d(z, 4)), CELL // 4)
        fns["ori_hre_c4max"] = lambda: F.max_pool2d(hr("err", lambda z: F.avg_pool2d(z, 4)), CELL // 4)
        fns["ori_hr_mean"] = lambda: hr("mov", cellpool)
        def ori_ab(i):
            jxx, jyy, jxy = tensor("mov")
            tr = cellpool(jxx + jyy) + 1e-3
            return (cellpool(jyy - jxx) if i == 0 else cellpool(2 * jxy)) / tr
        fns["ori_a_mean"] = lambda: ori_ab(0)
        fns["ori_b_mean"] = lambda: ori_ab(1)
        for i in range(CODE):
            fns[f"code{i}"] = (lambda i=i: pred()[1][:, i:i + 1])
        return torch.cat([fns[n]() for n in names], 1)

    def features(self, frames):
        f = self.raw_features(frames, [RAW_NAMES[i] for i in self.select.tolist()])
        return (f - self.g_mean.view(1, -1, 1, 1)) / self.g_std.view(1, -1, 1, 1)

    def forward(self, frames, profile_mean, profile_var):
        f = self.features(frames)
        diff = f - profile_mean
        diff = diff - self.onesided.view(1, -1, 1, 1) * torch.clamp(diff, max=0.0)
        if self.weighted:
            d2 = (self.weight.view(1, -1, 1, 1) * diff ** 2 / (profile_var + self.eps)).sum(1, keepdim=True) \
                / self.weight.sum()
        else:
            d2 = (diff ** 2 / (profile_var + self.eps)).mean(1, keepdim=True)
        s = torch.sqrt(d2 + 1e-12)                      # RMS z-score of the cell
        amap = torch.sigmoid(self.cal_a * (s - self.cal_b))
        n = s.shape[0]
        att = torch.softmax((self.beta * s).reshape(n, -1), 1).reshape(s.shape)
        score = (att * amap).reshape(n, -1).sum(1)
        return f, amap, att, score


def distances_np(feat, mean, var, eps, onesided=None, weight=None):
    """numpy replica of the graph's per-cell RMS z-score (for fast evaluation of variants)."""
    diff = feat - mean
    if onesided is not None:
        diff = diff - np.asarray(onesided, np.float32)[None, :, None, None] * np.minimum(diff, 0)
    if weight is not None and np.any(np.asarray(weight) != 1):
        w = np.asarray(weight, np.float32)[None, :, None, None]
        return np.sqrt((w * diff ** 2 / (var + eps)).sum(1) / w.sum() + 1e-12)
    return np.sqrt((diff ** 2 / (var + eps)).mean(1) + 1e-12)
