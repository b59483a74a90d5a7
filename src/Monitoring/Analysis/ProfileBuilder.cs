namespace Monitoring.Analysis;

/// <summary>Streaming per-element mean and population variance (Welford) of the model's per-cell features.</summary>
public sealed class ProfileBuilder
{
    private readonly double[] _mean;
    private readonly double[] _m2;

    public ProfileBuilder(AnomalyModel model) : this(model.D, model.CellsH, model.CellsW) { }

    public ProfileBuilder(int d, int cellsH, int cellsW)
    {
        D = d; CellsH = cellsH; CellsW = cellsW;
        _mean = new double[d * cellsH * cellsW];
        _m2 = new double[_mean.Length];
    }

    public int D { get; }
    public int CellsH { get; }
    public int CellsW { get; }
    public long Count { get; private set; }

    public void Add(ReadOnlySpan<float> features)
    {
        if (features.Length != _mean.Length)
            throw new ArgumentException($"features hold {features.Length} values, the profile {_mean.Length}", nameof(features));
        Count++;
        var inv = 1.0 / Count;
        for (var i = 0; i < _mean.Length; i++)
        {
            double x = features[i];
            var delta = x - _mean[i];
            _mean[i] += delta * inv;
            _m2[i] += delta * (x - _mean[i]);
        }
    }

    /// <summary>The per-element mean and population variance so far.</summary>
    public (float[] Mean, float[] Var) Statistics()
    {
        var mean = new float[_mean.Length];
        var var = new float[_mean.Length];
        for (var i = 0; i < mean.Length; i++)
        {
            mean[i] = (float)_mean[i];
            var[i] = Count == 0 ? 0f : (float)(_m2[i] / Count);
        }
        return (mean, var);
    }

    public NormalityProfile Build(string cameraId, AnomalyModel model, string source)
    {
        if (Count == 0) throw new ProfileException($"No frame was analysed for camera '{cameraId}' from {source}; nothing to learn from.");
        var (mean, var) = Statistics();
        return new NormalityProfile
        {
            CameraId = cameraId, ModelSha256 = model.Sha256, ModelVersion = model.Version,
            D = D, CellsH = CellsH, CellsW = CellsW, Frames = Count, CreatedUtc = DateTimeOffset.UtcNow,
            Source = source, Mean = mean, Var = var,
        };
    }
}
