"""Frames as the daemon sees them: the model's input geometry, the pre-processing, clips and causal windows."""
import os

import cv2
import numpy as np

T = 5            # 4 past frames + the current one
H, W = 128, 192  # model input (3:2 aspect)
CELL = 8         # cell size in model pixels -> grid 16 x 24
GH, GW = H // CELL, W // CELL

PREPROCESS = (f"cv2.imread (BGR) -> cv2.resize(dsize=({W},{H}), interpolation=INTER_AREA) -> "
              "cv2.cvtColor(COLOR_BGR2GRAY) -> float32 / 255; frames[:, -1] is the current frame, "
              "frames[:, 0..T-2] the previous ones oldest first; at a clip start missing past frames "
              "are copies of the first frame")


def repo_root():
    """The repository's root (models/training/montrain/ is three levels below it)."""
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def default_data():
    """The shared Ped2 folder beside the repository (../shared/datasets/ped2)."""
    return os.path.normpath(os.path.join(repo_root(), "..", "shared", "datasets", "ped2"))


def load_frame(path):
    """Exactly the C# pre-processing: decode BGR, INTER_AREA resize, then BGR->grey, /255."""
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(path)
    small = cv2.resize(bgr, (W, H), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return grey.astype(np.float32) / 255.0


def load_clip(clip_dir):
    """float32 [F,H,W] of every .jpg of a clip folder, in name order."""
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
    if not os.path.isdir(d):
        raise FileNotFoundError(f"{d}: expected one folder of NNN.jpg frames per clip (e.g. UCSD Ped2's {split}/01)")
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
