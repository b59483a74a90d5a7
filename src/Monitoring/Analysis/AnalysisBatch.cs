namespace Monitoring.Analysis;

/// <summary>
/// Pre-allocated input and output buffers for up to <see cref="Capacity"/> frames of any cameras.
/// Reused call after call: no per-frame allocation of tensor data.
/// </summary>
public sealed class AnalysisBatch
{
    private readonly AnomalyModel _model;

    internal AnalysisBatch(AnomalyModel model, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _model = model;
        Capacity = capacity;
        Frames = new float[capacity * model.FrameInputLength];
        ProfileMean = new float[capacity * model.ProfileLength];
        ProfileVar = new float[capacity * model.ProfileLength];
        Features = new float[capacity * model.ProfileLength];
        AnomalyMap = new float[capacity * model.Cells];
        Attention = new float[capacity * model.Cells];
        Score = new float[capacity];
        // A neutral profile for learning: mean 0, variance 1.
        Array.Fill(ProfileVar, 1f);
    }

    public int Capacity { get; }
    public int Count { get; private set; }
    public float[] Frames { get; }
    public float[] ProfileMean { get; }
    public float[] ProfileVar { get; }
    public float[] Features { get; }
    public float[] AnomalyMap { get; }
    public float[] Attention { get; }
    public float[] Score { get; }

    public void Clear() => Count = 0;

    /// <summary>Appends a camera's window and profile (null = neutral profile, used while learning). Returns the slot.</summary>
    public int Add(FrameWindow window, NormalityProfile? profile)
    {
        if (Count == Capacity) throw new InvalidOperationException($"batch is full ({Capacity})");
        var i = Count++;
        window.CopyTo(Frames.AsSpan(i * _model.FrameInputLength, _model.FrameInputLength));
        var mean = ProfileMean.AsSpan(i * _model.ProfileLength, _model.ProfileLength);
        var var = ProfileVar.AsSpan(i * _model.ProfileLength, _model.ProfileLength);
        if (profile is null)
        {
            mean.Clear();
            var.Fill(1f);
        }
        else
        {
            profile.Mean.CopyTo(mean);
            profile.FedVar.CopyTo(var);
        }
        return i;
    }

    public ReadOnlySpan<float> FeaturesOf(int slot) => Features.AsSpan(slot * _model.ProfileLength, _model.ProfileLength);
    public ReadOnlySpan<float> AnomalyMapOf(int slot) => AnomalyMap.AsSpan(slot * _model.Cells, _model.Cells);
    public ReadOnlySpan<float> AttentionOf(int slot) => Attention.AsSpan(slot * _model.Cells, _model.Cells);
}
