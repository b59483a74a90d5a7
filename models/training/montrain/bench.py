"""Throughput of the exported model's torch twin on this CPU (proxy for ONNX Runtime), frames/s.

    cd models/training && /usr/bin/python3 -m montrain.bench [--batch 8] [--threads 2]
"""
import argparse
import os
import time

import torch

from . import data as dt
from . import export as ex

p = argparse.ArgumentParser(prog="montrain.bench")
p.add_argument("--model", default=os.path.join(dt.repo_root(), "models", "anomaly.onnx"))
p.add_argument("--batch", type=int, default=8)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seconds", type=float, default=10.0)
p.add_argument("--jit", action="store_true", help="torch.jit trace + freeze (fuses conv/relu, closer to ORT)")
a = p.parse_args()
torch.set_num_threads(a.threads)
model, _ = ex.load_onnx_into_torch(a.model)
d = model.dim
x = torch.rand(a.batch, dt.T, dt.H, dt.W)
pm, pv = torch.zeros(a.batch, d, dt.GH, dt.GW), torch.ones(a.batch, d, dt.GH, dt.GW)
with torch.no_grad():
    if a.jit:
        model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, (x, pm, pv))))
    for _ in range(3):
        model(x, pm, pv)
    n, t0 = 0, time.time()
    while time.time() - t0 < a.seconds:
        model(x, pm, pv)
        n += 1
    dt = time.time() - t0
print(f"batch {a.batch}, {a.threads} threads: {n * a.batch / dt:.1f} frames/s ({1000 * dt / n:.1f} ms/batch), "
      f"load average {os.getloadavg()[0]:.1f}")
