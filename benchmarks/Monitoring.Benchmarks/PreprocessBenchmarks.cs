using BenchmarkDotNet.Attributes;
using Monitoring.Analysis;
using Monitoring.Inference;

namespace Monitoring.Benchmarks;

/// <summary>
/// The analyser's per-frame pre-processing at the model's real sizes (read from models/anomaly.onnx):
/// push a grey frame into a camera's window, copy the window into a batch slot, add window + profile to a batch;
/// and a batch of 8 through the model.
/// </summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private AnomalyModel _model = null!;
    private FrameWindow _window = null!;
    private AnalysisBatch _batch = null!;
    private NormalityProfile _profile = null!;
    private byte[] _grey = [];
    private float[] _destination = [];

    [GlobalSetup]
    public void Setup()
    {
        _model = AnomalyModel.Load(ModelLocator.Find(null), OnnxSessionOptions.Cpu);
        _window = new FrameWindow(_model.T, _model.H, _model.W);
        _grey = new byte[_model.H * _model.W];
        new Random(1).NextBytes(_grey);
        _window.Push(_grey);
        _destination = new float[_model.FrameInputLength];
        _batch = _model.CreateBatch(8);
        var builder = new ProfileBuilder(_model);
        var features = new float[_model.ProfileLength];
        var random = new Random(2);
        for (var n = 0; n < 4; n++)
        {
            for (var i = 0; i < features.Length; i++) features[i] = random.NextSingle();
            builder.Add(features);
        }
        _profile = builder.Build("bench", _model, "synthetic");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _model.Dispose();
    }

    /// <summary>One grey frame (H×W bytes) into the window as floats in [0, 1].</summary>
    [Benchmark]
    public void FrameWindowPush() => _window.Push(_grey);

    /// <summary>The window (T×H×W floats, oldest first) into a batch slot.</summary>
    [Benchmark]
    public void FrameWindowCopyTo() => _window.CopyTo(_destination);

    /// <summary>Window + profile (mean, var) into a batch of 8, as the analyser does per frame.</summary>
    [Benchmark]
    public int AnalysisBatchAdd()
    {
        _batch.Clear();
        return _batch.Add(_window, _profile);
    }

    /// <summary>A full batch of 8 through the model (ONNX Runtime's IOBinding over the batch's pinned buffers): the
    /// hot path's inference, whose managed allocation must stay 0.</summary>
    [Benchmark]
    public float ModelRunBatch8()
    {
        _batch.Clear();
        for (var i = 0; i < 8; i++) _batch.Add(_window, _profile);
        _model.Run(_batch);
        return _batch.Score[7];
    }
}
