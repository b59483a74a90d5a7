"""Validation scenes with synthetic anomalies, for choosing anomaly models on scenes they were not tuned on.

Writes image-sequence folders that `monitoring eval` reads (one scene at a time):

    monitoring eval --train OUT/train/vtest --test OUT/test/vtest --labels OUT/test/vtest/labels.json

Layout: OUT/train/<scene>/<clip>/NNN.jpg (normal footage), OUT/test/<scene>/<clip>/NNN.jpg (test clips),
OUT/test/<scene>/labels.json ({"<clip>": {"frames": N, "abnormal": [[from, to]]}}, 0-based inclusive),
OUT/labels.json (all scenes, keys "<scene>/<clip>"), OUT/labels-real.json and OUT/test/<scene>/labels-real.json (the same
with the real anomaly in vtest's test footage also abnormal: people crossing the near lawn, where nobody walks in the
train frames; see LAWN) and OUT/manifest.json (per test clip: kind, source
frames, donor, speed and the per-frame box [frame, x, y, w, h] of the pasted object in source pixels).

Scenes: "vtest" (OpenCV's vtest.avi: train = frames 0-399, test = 400-794: the untouched clip "normal" plus
2 clips of 120 frames per kind) and "ped2" (UCSD Ped2 training/ only, never testing/: train = clips 04-13,
test = clips 01-03 and 14-16 untouched plus 2 pasted copies of each). Everything about a scene (background,
person silhouettes, their tracks, walking speed, perspective, activity map) is estimated from its TRAIN
frames only. Kinds: fast (runner), foreign (upside-down walker), glide (rigid person, skateboarder), bike
(upper body on drawn wheels), cart (textured box), left (bag left behind), trespass (walker where nobody
walks in training). Deterministic: the same arguments give byte-identical output. Needs numpy and cv2 only.
"""
import argparse
import json
import os
import shutil
import sys

import cv2
import numpy as np

KINDS = ("fast", "foreign", "glide", "bike", "cart", "left", "trespass")
# Foreground threshold (grey levels), closing kernel (px), person height range (px), minimum area (px).
# Measured on the train footage (1st-99th percentile of isolated walkers): vtest 42-117 px tall, Ped2 24-42 px.
CFG = {"vtest": dict(thr=28, close=9, hmin=40, hmax=140, area=300),
       "ped2": dict(thr=20, close=5, hmin=20, hmax=60, area=80)}
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
JPEG = [cv2.IMWRITE_JPEG_QUALITY, 95]


def fail(msg):
    """Print a usage error (no traceback) and exit with status 2."""
    print("montrain.scenes: error: " + msg, file=sys.stderr)
    sys.exit(2)


def load_vtest(path):
    """Read every frame of vtest.avi (BGR); returns (train clips {"a": frames 0-399}, test frames 400-end)."""
    if not os.path.isfile(path):
        fail(f"--vtest '{path}' does not exist; expected OpenCV's vtest.avi (Debian package opencv-doc)")
    cap, frames = cv2.VideoCapture(path), []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
    if len(frames) < 560:
        fail(f"--vtest '{path}' gave {len(frames)} frames; expected a video of at least 560 (vtest.avi has 795)")
    return {"a": frames[:400]}, frames[400:]


# A real anomaly in vtest's test part, by this generator's own trespass rule ("a walker where nobody walks in training"):
# from about source frame 506 people walk across the near lawn (the band below), where nothing moves in frames 0-399.
# labels.json keeps those frames normal (as every figure up to the ninth session); labels-real.json marks them abnormal.
# Band in model pixels (192x128, the daemon's pre-processing): rows 104-127, columns 40-183; a frame is active when more
# than 0.5 % of the band's pixels change by more than 0.08 (grey, 0-1) from the frame before.
LAWN = dict(rows=(104, 128), cols=(40, 184), diff=0.08, share=0.005, gap=10, min_len=5)


def band_activity(frames):
    """Share of LAWN's band pixels that changed from the previous frame (first frame: 0), at the model's geometry."""
    small = [cv2.cvtColor(cv2.resize(f, (192, 128), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY).astype(np.float32) / 255
             for f in frames]
    (r0, r1), (c0, c1) = LAWN["rows"], LAWN["cols"]
    out = [0.0]
    for a, b in zip(small, small[1:]):
        out.append(float((np.abs(b[r0:r1, c0:c1] - a[r0:r1, c0:c1]) > LAWN["diff"]).mean()))
    return np.array(out)


def real_spans(train_frames, test_frames, first_id):
    """[[from, to]] source frame spans (inclusive) of test frames with activity in LAWN's band, gaps of up to LAWN["gap"]
    closed, spans shorter than LAWN["min_len"] dropped; [] when anything moves in the band in the train frames (then it
    is not a place where nobody walks)."""
    if band_activity(train_frames).max() > LAWN["share"]:
        return []
    act = np.where(band_activity(test_frames) > LAWN["share"])[0]
    spans = []
    for i in act.tolist():
        if spans and i - spans[-1][1] <= LAWN["gap"]:
            spans[-1][1] = i
        else:
            spans.append([i, i])
    return [[a + first_id, b + first_id] for a, b in spans if b - a + 1 >= LAWN["min_len"]]


def with_real(abnormal, ids, spans):
    """The clip's abnormal ranges (clip frame indices) with the frames whose source id lies in a real span added."""
    y = np.zeros(len(ids), bool)
    for a, b in abnormal:
        y[a:b + 1] = True
    for a, b in spans:
        y |= (np.asarray(ids) >= a) & (np.asarray(ids) <= b)
    out, i = [], 0
    while i < len(y):
        if y[i]:
            j = i
            while j + 1 < len(y) and y[j + 1]:
                j += 1
            out.append([i, j])
            i = j + 1
        else:
            i += 1
    return out


def read_ped2_clip(root, clip):
    """Return (sorted JPEG paths, BGR frames) of Ped2 training clip `clip`, checking names 000.jpg.. in order."""
    d = os.path.join(root, "training", clip)
    if not os.path.isdir(d):
        fail(f"--ped2 '{root}' has no folder training/{clip}; expected UCSD Ped2 with training/01..16/NNN.jpg")
    names = sorted(n for n in os.listdir(d) if n.endswith(".jpg"))
    if not names or names != ["%03d.jpg" % i for i in range(len(names))]:
        fail(f"'{d}' should hold 000.jpg, 001.jpg, ... without gaps")
    paths = [os.path.join(d, n) for n in names]
    frames = [cv2.imread(p, cv2.IMREAD_COLOR) for p in paths]
    if any(f is None or f.shape[:2] != (240, 360) for f in frames):
        fail(f"'{d}' holds a JPEG that is unreadable or not 360x240")
    return paths, frames


def link_tracks(sils, frames):
    """Chain silhouettes into tracks: each one continues the track of the nearest silhouette (foot point
    closer than 0.3 heights, height ratio 0.8-1.25) of the previous frame of the same clip, greedily."""
    tracks, prev = [], []                      # prev: [(silhouette, track)] of the previous frame
    for first, cur in frames:
        prev = [] if first else prev
        pairs = sorted((np.hypot(sils[s][2] + sils[s][4] / 2 - sils[p][2] - sils[p][4] / 2,
                                 sils[s][3] + sils[s][5] - sils[p][3] - sils[p][5]), s, p, t)
                       for s in cur for p, t in prev if 0.8 < sils[s][5] / sils[p][5] < 1.25)
        used, nxt = set(), []
        for d, s, p, t in pairs:
            if d < 0.3 * sils[s][5] and s not in used and p not in used:
                used.update((s, p))
                tracks[t].append(s)
                nxt.append((s, t))
        for s in cur:
            if s not in used:
                tracks.append([s])
                nxt.append((s, len(tracks) - 1))
        prev = nxt
    return [t for t in tracks if len(t) >= 6]


def analyse(train, cfg):
    """Learn the scene from its train clips {name: frames}: background, silhouettes, tracks, speed, activity.

    Silhouettes are connected components of |grey - background| > thr after a closing, person-shaped
    (height 1.5-4x width, in cfg's height range, not touching the border), then only those within
    0.75-1.3x the height a robust linear fit of height on foot row predicts (drops groups and fragments).
    Walking speed is measured per track as the foot-point displacement per frame over the track's median
    height; the scene's walking speed is the median over moving tracks of 8+ frames (measured with seed 1:
    vtest 0.064, Ped2 0.032 heights/frame, i.e. ~5 and ~1 px/frame; 0.06 is used if under 5 tracks qualify)."""
    names = sorted(train)
    grey = [(c, i, cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)) for c in names for i, f in enumerate(train[c])]
    pick = np.linspace(0, len(grey) - 1, min(100, len(grey))).astype(int)
    bg = np.median(np.stack([grey[k][2] for k in pick]), axis=0).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (cfg["close"], cfg["close"]))
    activity = np.zeros(bg.shape, np.float64)
    cands, frames = [], []                     # cands: (clip, frame, x, y, w, h, mask)
    H, W = bg.shape
    for c, i, g in grey:
        diff = cv2.absdiff(g, bg)
        fg = cv2.morphologyEx((diff > cfg["thr"]).astype(np.uint8), cv2.MORPH_CLOSE, kernel)
        activity += fg
        n, lab, st, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
        cur = []
        for k in range(1, n):
            x, y, w, h, a = (int(v) for v in st[k])
            if (a >= cfg["area"] and cfg["hmin"] <= h <= cfg["hmax"] and 1.5 * w <= h <= 4 * w and a >= 0.4 * w * h
                    and x > 1 and y > 1 and x + w < W - 1 and y + h < H - 1):
                cur.append(len(cands))
                # the closing bridges background between the legs: below the waist keep only the pixels unlike
                # the background (re-closed at a twelfth of the height); the torso keeps the whole component
                comp = (lab[y:y + h, x:x + w] == k).astype(np.uint8)
                body = comp & (diff[y:y + h, x:x + w] > cfg["thr"] * 0.4).astype(np.uint8)
                ks = max(3, h // 12 | 1)
                body = cv2.morphologyEx(body, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ks, ks)))
                body[:int(0.55 * h)] = 1
                cands.append((c, i, x, y, w, h, (body & comp) > 0))
        frames.append((i == 0, cur))
    if len(cands) < 20:
        fail(f"found only {len(cands)} person-shaped silhouettes in the train frames; is this the expected footage?")
    rows, hs = np.array([s[3] + s[5] for s in cands], float), np.array([s[5] for s in cands], float)
    fit = np.polyfit(rows, hs, 1)               # person height against foot row (perspective)
    for _ in range(3):
        ok = np.abs(hs / np.polyval(fit, rows) - 1) < 0.25
        fit = np.polyfit(rows[ok], hs[ok], 1)
    ratio = hs / np.polyval(fit, rows)
    keep = (ratio > 0.75) & (ratio < 1.3)
    new = np.cumsum(keep) - 1
    sils = [s for s, k in zip(cands, keep) if k]
    tracks = link_tracks(sils, [(first, [int(new[s]) for s in cur if keep[s]]) for first, cur in frames])
    speeds = []
    for t in tracks:
        foot = np.array([(sils[s][2] + sils[s][4] / 2, sils[s][3] + sils[s][5]) for s in t])
        v = np.hypot(*(foot[-3:].mean(0) - foot[:3].mean(0))) / (len(t) - 3) / np.median([sils[s][5] for s in t])
        if len(t) >= 8 and v > 0.01:
            speeds.append(v)
    walk = float(np.median(speeds)) if len(speeds) >= 5 else 0.06
    foot_lo = float(np.percentile([s[3] + s[5] for s in sils], 1))   # feet never stand above this row
    return dict(bg=bg, thr=cfg["thr"], foot_lo=foot_lo, activity=activity / len(grey), sils=sils, tracks=tracks, walk=walk,
                moving=len(speeds), fit=[float(v) for v in fit], names=names, train=train)


def height_at(scene, row, cfg):
    """Person height (px) the perspective fit predicts for a foot at image row `row`, clamped to
    0.7x-1.1x the scene's person height range (the fit is extrapolated where nobody walks)."""
    return float(np.clip(np.polyval(scene["fit"], row), 0.7 * cfg["hmin"], 1.1 * cfg["hmax"]))


def cutout(scene, s, target_h=None, upper=1.0):
    """BGR pixels and mask (float32) of silhouette index `s`, rescaled to `target_h`, top `upper` part only."""
    c, i, x, y, w, h, m = scene["sils"][s]
    patch, mask = scene["train"][c][i][y:y + h, x:x + w].astype(np.float32), m.astype(np.float32)
    if target_h is not None and abs(target_h - h) > 0.5:
        size = (max(2, int(round(w * target_h / h))), max(2, int(round(target_h))))
        patch, mask = cv2.resize(patch, size, interpolation=cv2.INTER_AREA), cv2.resize(mask, size)
    keep = max(2, int(round(upper * patch.shape[0])))
    return patch[:keep], mask[:keep]


def soften(patch, mask, sigma, pad=4):
    """Pad a sprite by `pad` px and blur its mask into an alpha with a soft 1-3 px edge."""
    patch = cv2.copyMakeBorder(patch, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    alpha = cv2.GaussianBlur(cv2.copyMakeBorder(mask, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0), (0, 0), sigma)
    return patch, alpha


def box_sprite(scene, rng, bw, bh):
    """A rigid textured box: a random crop of a train frame darkened or brightened, with a 1-px darker outline."""
    for _ in range(30):                          # prefer a crop without people in it
        c = scene["names"][rng.randint(len(scene["names"]))]
        f = scene["train"][c][rng.randint(len(scene["train"][c]))]
        y, x = rng.randint(f.shape[0] - bh), rng.randint(f.shape[1] - bw)
        diff = cv2.absdiff(cv2.cvtColor(f[y:y + bh, x:x + bw], cv2.COLOR_BGR2GRAY), scene["bg"][y:y + bh, x:x + bw])
        if np.mean(diff > scene["thr"]) < 0.02:
            break
    crop = f[y:y + bh, x:x + bw].astype(np.float32)
    mean = crop.mean()
    if rng.rand() < 0.6:                         # darker: scale the crop down
        patch = crop * rng.uniform(0.35, 0.6)
    else:                                        # brighter: lift the mean towards white, keep the texture
        patch = np.clip(crop + (235 - mean) * rng.uniform(0.4, 0.8), 0, 255)
    cv2.rectangle(patch, (0, 0), (bw - 1, bh - 1), tuple(float(v) for v in patch.mean((0, 1)) * 0.45), 1)
    return patch, np.ones((bh, bw), np.float32)


def bike_sprite(patch, mask, phase, r, ink, facing):
    """Put an upper body on two drawn wheels (spokes turned by `phase`) and a frame; bottom = tyres' bottom."""
    h, w = mask.shape
    t = max(1, int(round(r / 7)))
    W, H = max(w, 5 * r + 2 * t + 4), h + 2 * r + t + 1
    canvas, alpha = np.zeros((H, W, 3), np.float32), np.zeros((H, W), np.float32)
    ox, cx, cy = (W - w) // 2, W // 2, h + r
    canvas[:h, ox:ox + w], alpha[:h, ox:ox + w] = patch, mask
    ink_a = np.zeros((H, W), np.uint8)
    hubs = [(cx - int(1.5 * r), cy), (cx + int(1.5 * r), cy)]
    for hx, hy in hubs:
        cv2.circle(ink_a, (hx, hy), r, 255, t, cv2.LINE_AA)
        for k in range(3):
            a = phase + k * np.pi / 3
            d = (int(round(r * np.cos(a))), int(round(r * np.sin(a))))
            cv2.line(ink_a, (hx - d[0], hy - d[1]), (hx + d[0], hy + d[1]), 160, 1, cv2.LINE_AA)
    front, back = (hubs[1], hubs[0]) if facing > 0 else (hubs[0], hubs[1])
    seat, bars, crank = (cx, h - 1), (front[0] - facing * r // 3, h - r // 2), (cx, cy)
    for a, b in ((back, seat), (back, crank), (crank, seat), (seat, bars), (bars, front), (crank, bars)):
        cv2.line(ink_a, a, b, 255, t, cv2.LINE_AA)
    ia = ink_a.astype(np.float32) / 255
    canvas = canvas * (1 - ia[..., None]) + ink * ia[..., None]
    return canvas, np.maximum(alpha, ia)


def trespass_path(scene, h_rows, cfg, min_len):
    """Foot rows with a long column run where the person's whole body band is at or below the activity's
    10th percentile or 1 % (activity first box-blurred by half a person's height, to keep clear of walked pixels).
    Rows above the train walkers' highest feet (1st percentile) are not ground and are skipped.
    Returns a list of (row, x_from, x_to); if none is long enough, the lowest-activity band, full width."""
    act = cv2.blur(scene["activity"], (cfg["hmin"] // 2 + 1,) * 2)
    low = act <= max(np.percentile(act, 10), 0.01)  # the 10th percentile is 0 in both scenes: allow 1 % noise
    H, W = low.shape
    good, best = [], (np.inf, None)
    for row in range(int(scene["foot_lo"]), H - 2, 2):
        h = int(h_rows(row))
        if row - h < 0:
            continue
        cols = low[row - h:row + 1].mean(0) >= 0.98
        band = act[row - h:row + 1].mean()
        if band < best[0]:
            best = (band, (row, 0, W - 1))
        edges = np.flatnonzero(np.diff(np.r_[0, cols.astype(np.int8), 0]))
        for a, b in zip(edges[::2], edges[1::2]):
            if b - a >= min_len(h):
                good.append((row, int(a), int(b) - 1))
    return good or [best[1]]


def plan(kind, scene, rng, cfg, shape):
    """Draw one object of `kind`: returns (sprite(i) -> (patch, alpha), start foot point, velocity, x limits,
    info). The donor is a random track (6+ frames) of one train walker, kept at its own image row."""
    H, W = shape
    walk, sigma, s = scene["walk"], rng.uniform(0.7, 1.3), scene["sils"]
    track = scene["tracks"][rng.randint(len(scene["tracks"]))]
    h, facing = float(np.median([s[k][5] for k in track])), 1 if s[track[-1]][2] >= s[track[0]][2] else -1
    direction = 1 if rng.rand() < 0.5 else -1
    row = float(np.median([s[k][3] + s[k][5] for k in track]) + rng.uniform(-0.05, 0.05) * h)
    factor = {"fast": rng.uniform(2.5, 4), "foreign": rng.uniform(0.9, 1.1), "glide": rng.uniform(1.2, 1.8),
              "bike": rng.uniform(1.5, 2.5), "cart": rng.uniform(1.0, 1.5), "left": 0.0, "trespass": 1.0}[kind]
    limits = (-np.inf, np.inf)
    if kind == "trespass":
        row, x_from, x_to = scene["paths"][rng.randint(len(scene["paths"]))]
        h, limits = height_at(scene, row, cfg), (x_from, x_to)
    vx = direction * factor * walk * h
    vy = 0.0 if kind in ("trespass", "left") else rng.uniform(-0.1, 0.1) * abs(vx)
    mirror = facing != direction
    gait = [cutout(scene, k, h, 0.6 if kind == "bike" else 1.0) for k in track]
    if mirror:
        gait = [(p[:, ::-1], m[:, ::-1]) for p, m in gait]
    rate = factor if kind == "fast" else 1.0
    n = len(gait)
    ink = float(rng.uniform(15, 60))
    r = max(3, int(round(0.2 * h)))
    rigid = gait[rng.randint(n)]                 # glide: one cut-out in every frame
    if kind == "cart":
        rigid = box_sprite(scene, rng, int(h * rng.uniform(1.0, 1.5)), int(h * rng.uniform(0.6, 0.8)))
    elif kind == "left":
        bw = max(4, int(h * rng.uniform(0.3, 0.5)))
        rigid = box_sprite(scene, rng, bw, max(4, int(bw * rng.uniform(0.6, 1.0))))
        vx = 0.0

    def sprite(i):
        """The object's patch and alpha in its i-th frame of the span (gait frames ping-pong over the track)."""
        if kind in ("cart", "left", "glide"):
            p, m = rigid
        else:
            k = int(i * rate) % max(1, 2 * n - 2)
            p, m = gait[k if k < n else 2 * n - 2 - k]
            if kind == "foreign":
                p, m = p[::-1], m[::-1]
            elif kind == "bike":
                p, m = bike_sprite(p, m, i * abs(vx) / r, r, ink, direction)
        return soften(p, m, sigma)

    if kind == "left":
        x0 = float(rng.uniform(0.1, 0.9) * W)
    elif kind == "trespass":
        x0 = limits[0] + 0.3 * h if direction > 0 else limits[1] - 0.3 * h
    else:
        x0 = float(rng.uniform(0, 0.45 * W))     # the centre starts inside the frame: visible from the first frame
        x0 = x0 if direction > 0 else W - x0
    return sprite, (x0, row), (vx, vy), limits, dict(track=track, factor=round(float(factor), 3),
                                                    speed=round(float(abs(vx)), 3), height=round(h, 1))


def paste(frame, patch, alpha, foot):
    """Alpha-blend a sprite (pad 4) with its bottom-centre at `foot`; returns the visible box or None."""
    ph, pw = alpha.shape
    x, y = int(round(foot[0] - pw / 2)), int(round(foot[1])) - ph + 4
    H, W = frame.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + pw, W), min(y + ph, H)
    if x1 <= x0 or y1 <= y0:
        return None
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x]
    ys, xs = np.nonzero(a > 0.05)
    if len(ys) == 0:
        return None
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = np.clip(a[..., None] * patch[y0 - y:y1 - y, x0 - x:x1 - x] + (1 - a[..., None]) * roi + 0.5,
                                  0, 255).astype(np.uint8)
    return [int(x0 + xs.min()), int(y0 + ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]


def make_clip(frames, kind, scene, rng, cfg, start, length):
    """Paste one object of `kind` into copies of `frames` from frame `start` for up to `length` frames.
    The span ends early when the object leaves the frame (or, for trespass, its low-activity path)."""
    out = [f.copy() for f in frames]
    sprite, (x0, y0), (vx, vy), limits, info = plan(kind, scene, rng, cfg, frames[0].shape[:2])
    boxes = []
    for i in range(min(length, len(frames) - start)):
        x = x0 + vx * i
        if not limits[0] <= x <= limits[1]:
            break
        b = paste(out[start + i], *sprite(i), (x, y0 + vy * i))
        if b is None:
            break
        boxes.append([start + i] + b)
    if not boxes:
        raise RuntimeError(f"{kind}: the object was never visible")
    return out, [[boxes[0][0], boxes[-1][0]]], boxes, info


def write_clip(folder, frames=None, paths=None):
    """Write frames as 000.jpg.. (JPEG quality 95), or byte-copy the source JPEGs `paths` under the same names."""
    os.makedirs(folder)
    for i in range(len(paths) if paths else len(frames)):
        target = os.path.join(folder, "%03d.jpg" % i)
        if paths:
            shutil.copyfile(paths[i], target)
        elif not cv2.imwrite(target, frames[i], JPEG):
            fail(f"could not write '{target}'")


def build_scene(name, args, rng, out):
    """Generate one scene's train and test folders; returns (labels, labels with the real anomalies, manifest entries,
    summary line, stats, scene)."""
    cfg = CFG[name]
    if name == "vtest":
        train, test_src = load_vtest(args.vtest)
        sources = [("normal", test_src, list(range(400, 400 + len(test_src))), None)]
        train_paths = {}
    else:
        root = args.ped2
        if not os.path.isdir(os.path.join(root, "training")):
            fail(f"--ped2 '{root}' has no training/ folder; expected UCSD Ped2 (training/01..16/NNN.jpg)")
        loaded = {c: read_ped2_clip(root, c) for c in ["%02d" % k for k in range(1, 17)]}
        train = {c: loaded[c][1] for c in ["%02d" % k for k in range(4, 14)]}
        train_paths = {c: loaded[c][0] for c in train}
        sources = [(c, loaded[c][1], list(range(len(loaded[c][1]))), loaded[c][0]) for c in ("01", "02", "03", "14", "15", "16")]
    scene = analyse(train, cfg)
    if not scene["tracks"]:
        fail(f"{name}: found no person tracks in the train frames; check the footage")
    scene["paths"] = trespass_path(scene, lambda r: height_at(scene, r, cfg), cfg,
                                   lambda h: int(0.6 * h + 40 * scene["walk"] * h))
    for c in sorted(train):
        write_clip(os.path.join(out, "train", name, c), train[c], train_paths.get(c))
    labels, real, manifest, per_kind = {}, {}, [], {k: [0, 0] for k in KINDS}
    spans = real_spans(train["a"], test_src, 400) if name == "vtest" else []
    jobs = []                                          # (clip name, source name, frames, source ids, kind, start, length)
    if name == "vtest":
        for j, kind in enumerate(k for k in KINDS for _ in range(2)):
            a = rng.randint(0, len(test_src) - 120 + 1)
            jobs.append((f"{kind}{j % 2 + 1}", "normal", test_src[a:a + 120], list(range(400 + a, 520 + a)), kind,
                         rng.randint(20, 41), rng.randint(40, 81)))
    else:
        for j, (c, frames, ids, _) in enumerate(sources):
            for kind in (KINDS[(2 * j) % 7], KINDS[(2 * j + 1) % 7]):
                jobs.append((f"{c}_{kind}", c, frames, ids, kind, rng.randint(5, len(frames) // 2), rng.randint(40, 81)))
    src_name = args.vtest if name == "vtest" else os.path.join(args.ped2, "training")
    for c, frames, ids, paths in sources:
        write_clip(os.path.join(out, "test", name, c), frames, paths)
        labels[c] = {"frames": len(frames), "abnormal": []}
        real[c] = {"frames": len(frames), "abnormal": with_real([], ids, spans)}
        manifest.append(dict(scene=name, clip=c, kind="normal", source=dict(path=src_name, clip=c, frames=[ids[0], ids[-1]]),
                             abnormal=[], boxes=[]))
    for c, src, frames, ids, kind, start, length in jobs:
        clip, abnormal, boxes, info = make_clip(frames, kind, scene, rng, cfg, start, length)
        write_clip(os.path.join(out, "test", name, c), clip)
        labels[c] = {"frames": len(clip), "abnormal": abnormal}
        real[c] = {"frames": len(clip), "abnormal": with_real(abnormal, ids, spans)}
        per_kind[kind][0] += 1
        per_kind[kind][1] += abnormal[0][1] - abnormal[0][0] + 1
        donor = [list(scene["sils"][k][:2]) for k in info.pop("track")]
        manifest.append(dict(scene=name, clip=c, kind=kind, source=dict(path=src_name, clip=src, frames=[ids[0], ids[-1]]),
                             span=[start, min(start + length, len(clip)) - 1], abnormal=abnormal, donor=dict(clip_frame=donor), **info,
                             boxes=boxes))
    with open(os.path.join(out, "test", name, "labels.json"), "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)
    with open(os.path.join(out, "test", name, "labels-real.json"), "w") as f:
        json.dump(real, f, indent=1, sort_keys=True)
    n_train = sum(len(v) for v in train.values())
    n_test = sum(v["frames"] for v in labels.values())
    n_abn = sum(b - a + 1 for v in labels.values() for a, b in v["abnormal"])
    line = (f"{name}: train {n_train} frames in {len(train)} clips; test {len(labels)} clips, {n_test} frames, "
            f"{n_abn} abnormal; walking speed {scene['walk']:.3f} heights/frame ({scene['moving']} moving tracks)\n"
            f"  per kind (clips/abnormal frames): " + ", ".join(f"{k} {c}/{f}" for k, (c, f) in per_kind.items())
            + (f"\n  real anomaly (labels-real.json): people on the near lawn, source frames "
               + ", ".join(f"{a}-{b}" for a, b in spans) if spans else ""))
    stats = dict(walk_heights_per_frame=round(scene["walk"], 4), height_fit=scene["fit"], tracks=len(scene["tracks"]),
                 trespass_paths=[[int(v) for v in q] for q in scene["paths"]], real_abnormal_source_frames=spans)
    return labels, real, manifest, line, stats, scene


def check_images(folder, out, manifest):
    """Write one PNG per kind per scene: the middle frame of the pasted span with the object's box drawn."""
    os.makedirs(folder, exist_ok=True)
    for m in [m for m in manifest if m["kind"] != "normal" and m["clip"] in (m["kind"] + "1", m["clip"][:3] + m["kind"])]:
        fr, x, y, w, h = m["boxes"][len(m["boxes"]) // 2]
        img = cv2.imread(os.path.join(out, "test", m["scene"], m["clip"], "%03d.jpg" % fr))
        cv2.rectangle(img, (x - 2, y - 2), (x + w + 1, y + h + 1), (0, 0, 255), 1)
        if img.shape[1] < 500:
            img = cv2.resize(img, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
        cv2.imwrite(os.path.join(folder, f"{m['scene']}_{m['kind']}.png"), img)


def main():
    """Parse the arguments, check the paths, generate the scenes and print the summary."""
    p = argparse.ArgumentParser(prog="montrain.scenes", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vtest", default="/usr/share/doc/opencv-doc/examples/data/vtest.avi",
                   help="OpenCV's vtest.avi (768x576, 795 frames, 10 fps) (default: %(default)s)")
    p.add_argument("--ped2", default=os.path.join(os.path.dirname(REPO), "shared", "datasets", "ped2"),
                   help="UCSD Ped2 folder; only training/01..16 is read, never testing/ (default: %(default)s)")
    p.add_argument("--out", required=True, help="output folder, outside the repository (e.g. /tmp/scenes); "
                   "an earlier output of this script there (only train/, test/, labels.json, manifest.json) is replaced, "
                   "any other non-empty folder is refused")
    p.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives byte-identical output (default 1)")
    p.add_argument("--scenes", default="vtest,ped2", help="comma-separated scenes to make: vtest, ped2 (default: %(default)s); "
                   "each scene's content does not depend on which others are made")
    p.add_argument("--check", metavar="DIR", help="also write one PNG per kind per scene with the object's box drawn")
    args = p.parse_args()
    scenes = [s for s in args.scenes.split(",") if s]
    if not scenes or any(s not in CFG for s in scenes):
        fail(f"--scenes '{args.scenes}': expected a comma-separated list of {', '.join(CFG)}")
    out = os.path.abspath(args.out)
    if out == REPO or out.startswith(REPO + os.sep):
        fail(f"--out '{args.out}' is inside the repository '{REPO}'; give a folder outside it, e.g. /tmp/scenes")
    if os.path.exists(out) and not os.path.isdir(out):
        fail(f"--out '{args.out}' exists and is not a folder")
    ours = ("train", "test", "labels.json", "labels-real.json", "manifest.json")
    if os.path.isdir(out) and not set(os.listdir(out)) <= set(ours):
        fail(f"--out '{args.out}' holds files other than an earlier output of this script; give an empty or new folder")
    if os.path.isdir(out):
        for part in ours:
            path = os.path.join(out, part)
            shutil.rmtree(path) if os.path.isdir(path) else os.path.exists(path) and os.remove(path)
    master = np.random.RandomState(args.seed)
    seeds = {s: int(master.randint(2 ** 31 - 1)) for s in CFG}      # one draw per scene, in a fixed order
    all_labels, all_real, manifest, lines, stats = {}, {}, [], [], {}
    for s in scenes:
        labels, real, entries, line, stats[s], _ = build_scene(s, args, np.random.RandomState(seeds[s]), out)
        all_labels.update({f"{s}/{c}": v for c, v in labels.items()})
        all_real.update({f"{s}/{c}": v for c, v in real.items()})
        manifest += entries
        lines.append(line)
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(all_labels, f, indent=1, sort_keys=True)
    with open(os.path.join(out, "labels-real.json"), "w") as f:
        json.dump(all_real, f, indent=1, sort_keys=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(dict(seed=args.seed, scenes=stats, clips=manifest), f, indent=1)
    if args.check:
        check_images(args.check, out, manifest)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
