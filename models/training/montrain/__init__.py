"""montrain: training, export and validation of the Monitoring anomaly model (contract monitoring-anomaly/1).

Modules: data (the daemon's pre-processing, clips, causal windows), network (predictor, feature channels, head),
scoring (clip features, profiles, the head in numpy, frame score, AUC), synthetic (synthetic anomalies), export
(ONNX export, metadata, reference batch, loading an export back into torch), train (entry point), evaluate (the
C# protocol on Ped2 in Python), scenes + validate (model selection on generated validation scenes), bench
(torch throughput), tiny (a seconds-long training + export for the tests).

Entry points run from models/training: `/usr/bin/python3 -m montrain.train --help` (requirements.md).
"""
