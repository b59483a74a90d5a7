"""A tiny training run exports a model that follows the contract and reproduces its own reference outputs.

    cd models/training && /usr/bin/python3 -m unittest discover -s tests -t . -v
"""
import json
import os
import tempfile
import unittest

import numpy as np
import onnx
import torch

from montrain import data, export, network, tiny

SHARED_CLIP = os.path.join(data.default_data(), "training", "01")


class TinyTrainingTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)

    def check_export(self, r, score_eps=False):
        m = onnx.load(r["model"])
        onnx.checker.check_model(m)
        self.assertEqual([i.name for i in m.graph.input], export.INPUTS)
        self.assertEqual([o.name for o in m.graph.output], export.OUTPUTS)
        meta = {p.key: p.value for p in m.metadata_props}
        self.assertEqual(meta["contract"], "monitoring-anomaly/1")
        self.assertEqual(meta["input_size"], f"{data.T}x{data.H}x{data.W}")
        self.assertEqual(meta["grid"], f"{data.GH}x{data.GW}")
        cal = json.loads(meta["calibration"])
        self.assertEqual(cal["features"], ["perr_mean", "perr_max3", "perr_c4max", "spdp1r2_c4max"])
        self.assertEqual(meta["features_dim"], "4")
        self.assertEqual(meta["score_window"], "5")
        # the torch twin rebuilt from the file reproduces the reference batch the export wrote beside it
        self.assertLess(r["reference_max_abs_diff"], 1e-6)
        t, ref = export.read_reference(r["reference"])
        self.assertEqual(ref["contract"], "monitoring-anomaly/1")
        self.assertEqual(t["frames"].shape, (2, data.T, data.H, data.W))
        self.assertEqual(t["score"].shape, (2,))
        np.testing.assert_allclose(t["attention"].reshape(2, -1).sum(1), 1.0, atol=1e-5)
        self.assertTrue(np.all((t["anomaly_map"] >= 0) & (t["anomaly_map"] <= 1)))
        for k in ("cal_a", "cal_b"):
            self.assertTrue(np.isfinite(r["report"][k]) and r["report"][k] > 0, k)
        if score_eps:
            # --score-eps (v8's head): the score pools its own sigmoid, written to the metadata and read back by
            # load_onnx_into_torch
            for k in ("score_a", "score_b"):
                self.assertTrue(np.isfinite(r["report"][k]) and r["report"][k] > 0, k)
            self.assertEqual((cal["score_a"], cal["score_b"]), (r["report"]["score_a"], r["report"]["score_b"]))
        else:
            # the defaults (v7's head): the score pools anomaly_map itself, no constants of its own
            self.assertNotIn("score_a", cal)
        self.assertLess(r["seconds"], 60)

    def test_tiny_training_on_synthetic_frames_exports_a_contract_model(self):
        with tempfile.TemporaryDirectory() as d:
            self.check_export(tiny.run(d))

    @unittest.skipUnless(os.path.isdir(SHARED_CLIP), f"shared data absent: {SHARED_CLIP} (UCSD Ped2 beside the "
                         "repository, ../shared/datasets/ped2); test skipped")
    def test_tiny_training_on_ped2_frames_exports_a_contract_model(self):
        with tempfile.TemporaryDirectory() as d:
            self.check_export(tiny.run(d, SHARED_CLIP, extra=("--score-eps", "8")), score_eps=True)

    def test_the_committed_model_loads_into_torch_and_reproduces_its_reference(self):
        root = os.path.join(data.repo_root(), "models")
        model, meta = export.load_onnx_into_torch(os.path.join(root, "anomaly.onnx"))
        self.assertEqual(model.channels, json.loads(meta["calibration"])["features"])
        self.assertLess(export.check_reference(model, os.path.join(root, "reference")), 1e-4)

    def test_causal_windows_pad_with_the_first_frame(self):
        clip = np.arange(3, dtype=np.float32)[:, None, None] * np.ones((1, 2, 2), np.float32)
        w = data.causal_windows(clip)
        self.assertEqual(w.shape, (3, data.T, 2, 2))
        self.assertEqual(w[0, :, 0, 0].tolist(), [0] * data.T)
        self.assertEqual(w[2, :, 0, 0].tolist(), [0, 0, 0, 1, 2])

    def test_every_channel_builds(self):
        model = network.AnomalyModel().eval()
        with torch.no_grad():
            f = model.raw_features(torch.rand(1, data.T, data.H, data.W))
        self.assertEqual(tuple(f.shape), (1, len(network.RAW_NAMES), data.GH, data.GW))
        self.assertTrue(torch.isfinite(f).all())


if __name__ == "__main__":
    unittest.main()
