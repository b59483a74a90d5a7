#!/usr/bin/env python3
"""Throughput of the exported model's torch twin on this CPU (proxy for ONNX Runtime), frames/s.

    /usr/bin/python3 models/training/bench.py [--batch 8] [--threads 2]
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import export as ex  # noqa: E402
import monmodel as mm  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--model", default=os.path.join(common.repo_root(), "models", "anomaly.onnx"))
p.add_argument("--batch", type=int, default=8)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seconds", type=float, default=10.0)
p.add_argument("--jit", action="store_true", help="torch.jit trace + freeze (fuses conv/relu, closer to ORT)")
a = p.parse_args()
torch.set_num_threads(a.threads)
model, _ = ex.load_onnx_into_torch(a.model)
d = model.dim
x = torch.rand(a.batch, mm.T, mm.H, mm.W)
pm, pv = torch.zeros(a.batch, d, mm.GH, mm.GW), torch.ones(a.batch, d, mm.GH, mm.GW)
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
