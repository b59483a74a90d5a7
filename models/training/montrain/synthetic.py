"""Synthetic anomalies pasted into normal clips (model resolution), for calibration and validation figures."""
import cv2
import numpy as np

from . import data


def _moving_patch(donor, rng, ph, pw):
    """The most moving ph x pw window of a random donor frame (likely a pedestrian), as a copy."""
    j = rng.randint(1, len(donor))
    diff = np.abs(donor[j] - donor[j - 1])
    integ = np.pad(diff, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    box = integ[ph:, pw:] - integ[:-ph, pw:] - integ[ph:, :-pw] + integ[:-ph, :-pw]
    y0, x0 = np.unravel_index(np.argmax(box), box.shape)
    return donor[j, y0:y0 + ph, x0:x0 + pw].copy()


def _move_patch(clip, patch, alpha, frames, x, y, vx, vy=0.0):
    """Alpha-blends `patch` into `clip` (in place) at (x, y), moving by (vx, vy) per frame over `frames`,
    until it would leave the frame sideways. Returns (abnormal mask [F], boxes (y, x, h, w) per frame)."""
    h, w = patch.shape
    mask = np.zeros(len(clip), bool)
    boxes = [None] * len(clip)
    for t in frames:
        xi, yi = int(round(x)), int(round(y))
        if xi < 0 or xi + w > data.W:
            break
        bg = clip[t, yi:yi + h, xi:xi + w]
        clip[t, yi:yi + h, xi:xi + w] = alpha * patch + (1 - alpha) * bg
        mask[t] = True
        boxes[t] = (yi, xi, h, w)
        x += vx
        y += vy
    return mask, boxes


def paste_far_fast(clip, donor, rng, speed=(1.5, 2.5), scale=(0.35, 0.5), rows=(44, 59), contrast=1.0):
    """v3 realistic far-field anomaly: a donor patch (likely a pedestrian) shrunk to the size of a
    far-field person (9-13 px tall at 128 rows), on the far part of the walkway (top row 44-58), moving
    sideways at `speed` px/frame (a far pedestrian moves ~1 px/frame: 1.5-2.5x walking speed by default)
    with a small vertical drift. Separate RNG path: v2's paste_anomaly draw order is unchanged."""
    clip = clip.copy()
    n = len(clip)
    S = data.H / 128.0                       # geometry defined at 128 rows, scaled to the model size
    speed, rows = (speed[0] * S, speed[1] * S), (int(round(rows[0] * S)), int(round(rows[1] * S)))
    ph, pw = int(round(26 * S)), int(round(16 * S))
    patch = _moving_patch(donor, rng, ph, pw)
    sc = rng.uniform(*scale)
    ph, pw = max(int(round(ph * sc)), 4), max(int(round(pw * sc)), 3)
    patch = cv2.resize(patch, (pw, ph), interpolation=cv2.INTER_AREA)
    sp = rng.uniform(*speed)
    vy = rng.uniform(-0.15, 0.15)
    ay = np.minimum(np.arange(ph) + 1, ph - np.arange(ph)) / (2.0 * S)
    ax = np.minimum(np.arange(pw) + 1, pw - np.arange(pw)) / (2.0 * S)
    alpha = (contrast * np.clip(np.minimum(ay[:, None], ax[None, :]), 0, 1)).astype(np.float32)
    start = rng.randint(n // 4, n // 2)
    length = min(n - start, 60)
    y = float(rng.randint(*rows))
    direction = 1 if rng.rand() < 0.5 else -1
    x = 5.0 if direction > 0 else data.W - pw - 5.0
    mask, boxes = _move_patch(clip, patch, alpha, range(start, start + length), x, y, direction * sp, vy)
    return clip, mask, boxes


def paste_anomaly(clip, donor, rng, kind):
    """Synthetic anomaly in a normal clip (model resolution). Returns (clip', abnormal mask [F], boxes).

    kind 'fast':    a patch cut from a donor frame moves across the scene at 3-5 px/frame
                    (~2-3x a pedestrian's speed at this scale);
    kind 'foreign': an upside-down patch moves at walking speed (1.5 px/frame);
    kind 'far':     the donor patch at half size, in the far field (rows 50-66 of 128), at 2 px/frame
                    (~2-3x a far pedestrian's image speed).
    The patch is alpha-blended with a soft border so its edges are not a trivial cue."""
    clip = clip.copy()
    n = len(clip)
    S = data.H / 128.0                       # geometry defined at 128 rows, scaled to the model size
    ph, pw = (22, 14) if kind == "fast" else (26, 16)
    ph, pw = int(round(ph * S)), int(round(pw * S))
    patch = _moving_patch(donor, rng, ph, pw)
    if kind == "foreign":
        patch = patch[::-1]
    if kind == "far":
        ph, pw = ph // 2, pw // 2
        patch = cv2.resize(patch, (pw, ph), interpolation=cv2.INTER_AREA)
    speed = S * (rng.uniform(3, 5) if kind == "fast" else (1.5 if kind == "foreign" else 2.0))
    soft = S * (4.0 if kind != "far" else 2.0)
    ay = np.minimum(np.arange(ph) + 1, ph - np.arange(ph)) / soft
    ax = np.minimum(np.arange(pw) + 1, pw - np.arange(pw)) / soft
    alpha = np.clip(np.minimum(ay[:, None], ax[None, :]), 0, 1).astype(np.float32)
    start = rng.randint(n // 4, n // 2)
    length = min(n - start, int(150 * S / speed) + 1, 60)
    y = rng.randint(int(round(50 * S)), int(round(67 * S))) if kind == "far" else \
        rng.randint(int(round(30 * S)), data.H - ph - int(round(10 * S)))
    direction = 1 if rng.rand() < 0.5 else -1
    x = 5.0 if direction > 0 else data.W - pw - 5.0
    mask, boxes = _move_patch(clip, patch, alpha, range(start, start + length), x, y, direction * speed)
    return clip, mask, boxes
