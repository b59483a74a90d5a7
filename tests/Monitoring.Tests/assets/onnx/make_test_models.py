#!/usr/bin/python3
"""Generates the tiny ONNX test model and its reference data for tests/Monitoring.Tests/Onnx.

Run with Debian's interpreter (torch 1.13, onnx 1.12):  /usr/bin/python3 make_test_models.py

Writes, beside this script:
  tiny_anomaly.onnx           2 inputs, 2 outputs, dynamic batch dim "N", custom metadata_props
  reference/manifest.json     names, shapes and files of the reference cases
  reference/*.bin             raw little-endian float32 tensors (inputs and the outputs torch computed)
"""
import json
import os

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
C, H, W = 2, 6, 8


class TinyAnomaly(torch.nn.Module):
    """anomaly_map = sigmoid(conv3x3(frames) + bias_map); score = spatial mean of anomaly_map."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(C, 1, kernel_size=3, padding=1)

    def forward(self, frames, bias_map):
        anomaly_map = torch.sigmoid(self.conv(frames) + bias_map)
        score = anomaly_map.mean(dim=(1, 2, 3))
        return score, anomaly_map


def main():
    torch.manual_seed(1234)
    model = TinyAnomaly().eval()
    path = os.path.join(HERE, "tiny_anomaly.onnx")
    example = (torch.randn(1, C, H, W), torch.randn(1, 1, H, W))
    torch.onnx.export(
        model, example, path,
        input_names=["frames", "bias_map"], output_names=["score", "anomaly_map"],
        dynamic_axes={"frames": {0: "N"}, "bias_map": {0: "N"}, "score": {0: "N"}, "anomaly_map": {0: "N"}},
        opset_version=13, do_constant_folding=True)

    proto = onnx.load(path)
    for key, value in [("model_name", "tiny_anomaly"), ("purpose", "Monitoring ONNX binding tests"),
                       ("input_normalisation", "none")]:
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save(proto, path)

    ref = os.path.join(HERE, "reference")
    os.makedirs(ref, exist_ok=True)
    cases = []
    rng = np.random.default_rng(42)
    for batch in (1, 3):
        frames = rng.standard_normal((batch, C, H, W)).astype(np.float32)
        bias_map = rng.standard_normal((batch, 1, H, W)).astype(np.float32)
        with torch.no_grad():
            score, anomaly_map = model(torch.from_numpy(frames), torch.from_numpy(bias_map))
        tensors = {"frames": frames, "bias_map": bias_map,
                   "score": score.numpy().astype(np.float32), "anomaly_map": anomaly_map.numpy().astype(np.float32)}
        case = {"batch": batch, "inputs": {}, "outputs": {}}
        for name, array in tensors.items():
            file = f"b{batch}_{name}.bin"
            array.astype("<f4").tofile(os.path.join(ref, file))
            kind = "inputs" if name in ("frames", "bias_map") else "outputs"
            case[kind][name] = {"file": file, "shape": list(array.shape)}
        cases.append(case)
    with open(os.path.join(ref, "manifest.json"), "w") as f:
        json.dump({"model": "tiny_anomaly.onnx", "cases": cases}, f, indent=2)
        f.write("\n")
    print(f"wrote {path} and {len(cases)} reference cases")


if __name__ == "__main__":
    main()
