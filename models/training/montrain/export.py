"""The contract monitoring-anomaly/1: ONNX export with metadata, the reference batch, and loading an exported
file back into torch."""
import json
import warnings
import os

import numpy as np
import onnx
import torch

from . import data as dt
from .network import RAW_NAMES, AnomalyModel

warnings.filterwarnings("ignore", category=UserWarning)
OPSET = 13
INPUTS = ["frames", "profile_mean", "profile_var"]
OUTPUTS = ["features", "anomaly_map", "attention", "score"]


def synthetic_batch(d, seed=1234):
    """N=2 deterministic synthetic windows (noise + a moving bright square) and a synthetic profile.

    No dataset frame is ever committed: the reference batch is generated, not read."""
    rng = np.random.RandomState(seed)
    frames = np.zeros((2, dt.T, dt.H, dt.W), np.float32)
    base = (0.35 + 0.1 * rng.rand(dt.H, dt.W)).astype(np.float32)
    for n in range(2):
        for t in range(dt.T):
            img = base + 0.02 * rng.randn(dt.H, dt.W).astype(np.float32)
            y, x = 40 + 3 * t * (n + 1), 30 + 9 * t * (n + 1)          # camera 1 moves 2x faster
            img[y:y + 20, x:x + 12] = 0.85
            frames[n, t] = np.clip(img, 0.0, 1.0)
    mean = (0.3 * rng.randn(2, d, dt.GH, dt.GW)).astype(np.float32)
    var = (0.5 + rng.rand(2, d, dt.GH, dt.GW)).astype(np.float32)
    var[:, :, 0, 0] = 0.0                      # a never-moving cell: exercises the variance floor
    return frames, mean, var


def export(model, out_dir, model_name, version, description, atol=1e-4, score_window=1):
    model = model.eval()
    d = model.dim
    onnx_path = os.path.join(out_dir, "anomaly.onnx")
    os.makedirs(out_dir, exist_ok=True)
    frames, mean, var = synthetic_batch(d)
    args = tuple(torch.from_numpy(a) for a in (frames, mean, var))
    dyn = {k: {0: "N"} for k in INPUTS + OUTPUTS}
    torch.onnx.export(model, args, onnx_path, input_names=INPUTS, output_names=OUTPUTS,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(onnx_path)
    meta = {
        "model_name": model_name,
        "model_version": str(version),
        "contract": "monitoring-anomaly/1",
        "input_size": f"{dt.T}x{dt.H}x{dt.W}",
        "preprocess": dt.PREPROCESS,
        "features_dim": str(d),
        "grid": f"{dt.GH}x{dt.GW}",
        "variance_eps": repr(float(model.eps)),
        # frame score = mean of `score` over the camera's last score_window analysed frames (applied by the
        # daemon and eval, outside the graph: the graph is stateless)
        "score_window": str(int(score_window)),
        "description": description,
        # everything outside the convolution weights, so the graph can be audited / re-loaded
        "calibration": json.dumps({
            "features": model.channels,
            "g_mean": [float(v) for v in model.g_mean], "g_std": [float(v) for v in model.g_std],
            "onesided": [float(v) for v in model.onesided],
            "eps": float(model.eps), "cal_a": float(model.cal_a), "cal_b": float(model.cal_b),
            "beta": float(model.beta),
            **({} if model.score_ab is None else {"score_a": float(model.score_ab[0]), "score_b": float(model.score_ab[1])}),
            **({} if model.default_threshold is None else {"default_threshold": float(model.default_threshold)})}),
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.doc_string = description
    onnx.checker.check_model(m)
    onnx.save(m, onnx_path)

    # reference batch: inputs and torch outputs as raw little-endian float32
    ref_dir = os.path.join(out_dir, "reference")
    os.makedirs(ref_dir, exist_ok=True)
    with torch.no_grad():
        outs = model(*args)
    tensors = []
    for name, arr in list(zip(INPUTS, (frames, mean, var))) + \
            [(k, o.numpy()) for k, o in zip(OUTPUTS, outs)]:
        fn = f"{name}.f32"
        np.ascontiguousarray(arr, dtype="<f4").tofile(os.path.join(ref_dir, fn))
        tensors.append({"name": name, "file": fn, "dtype": "float32", "byteorder": "little",
                        "shape": list(arr.shape), "role": "input" if name in INPUTS else "output"})
    ref = {"model": "anomaly.onnx", "contract": "monitoring-anomaly/1",
           "model_version": str(version), "atol": atol, "rtol": 1e-3,
           "note": "synthetic frames (noise + moving square), synthetic profile; outputs from torch",
           "tensors": tensors}
    with open(os.path.join(ref_dir, "reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1)
    return onnx_path, meta


def load_onnx_into_torch(onnx_path):
    """Rebuild the torch AnomalyModel from the exported file (weights from initializers, the rest
    from the `calibration` metadata) so Python evaluation measures exactly the committed artefact."""
    from onnx import numpy_helper
    m = onnx.load(onnx_path)
    meta = {p.key: p.value for p in m.metadata_props}
    cal = json.loads(meta["calibration"])
    unknown = [n for n in cal["features"] if n not in RAW_NAMES]
    if unknown or "weights" in cal:
        raise ValueError(f"{onnx_path}: channels {unknown} / per-channel weights are not built by this code "
                         "(an experiment's model: git show 97e0d8a:models/training/monmodel.py)")
    model = AnomalyModel(select=[RAW_NAMES.index(n) for n in cal["features"]])
    model.onesided.copy_(torch.tensor(cal["onesided"]))
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    sd = model.state_dict()
    for k in sd:
        if k.startswith("pred."):
            sd[k] = torch.from_numpy(inits[k].copy())
    for k in ("g_mean", "g_std"):
        sd[k] = torch.tensor(cal[k], dtype=torch.float32)
    for k in ("eps", "cal_a", "cal_b", "beta"):
        sd[k] = torch.tensor(cal[k], dtype=torch.float32)
    model.load_state_dict(sd)
    model.default_threshold = cal.get("default_threshold")
    if "score_a" in cal:
        model.score_ab = (float(np.float32(cal["score_a"])), float(np.float32(cal["score_b"])))
    return model.eval(), meta


def read_reference(ref_dir):
    """{name: array} of a reference folder written by export(), and its reference.json."""
    with open(os.path.join(ref_dir, "reference.json")) as fh:
        ref = json.load(fh)
    return {e["name"]: np.fromfile(os.path.join(ref_dir, e["file"]), "<f4").reshape(e["shape"])
            for e in ref["tensors"]}, ref


def check_reference(model, ref_dir):
    """Max |torch output - reference output| over the four outputs of the reference batch."""
    t, _ = read_reference(ref_dir)
    with torch.no_grad():
        outs = model(*(torch.from_numpy(t[k]) for k in INPUTS))
    return max(float(np.abs(o.numpy() - t[k]).max()) for k, o in zip(OUTPUTS, outs))
