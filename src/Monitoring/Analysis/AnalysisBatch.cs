using Monitoring.Inference;

namespace Monitoring.Analysis;

/// <summary>
/// Pre-allocated input and output buffers for up to <see cref="Capacity"/> frames of any cameras, on the pinned
/// object heap, bound once per batch size to the model's session: a run allocates nothing. Dispose it to release
/// the bindings (the model's session outlives it).
/// </summary>
public sealed class AnalysisBatch : IDisposable
{
    private readonly AnomalyModel _model;
    private readonly OnnxBinding?[] _bindings;   // by batch size; slot 0 unused
    private bool _disposed;

    internal AnalysisBatch(AnomalyModel model, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _model = model;
        Capacity = capacity;
        Frames = Pinned(capacity * model.FrameInputLength);
        ProfileMean = Pinned(capacity * model.ProfileLength);
        ProfileVar = Pinned(capacity * model.ProfileLength);
        Features = Pinned(capacity * model.ProfileLength);
        AnomalyMap = Pinned(capacity * model.Cells);
        Attention = Pinned(capacity * model.Cells);
        Score = Pinned(capacity);
        _bindings = new OnnxBinding?[capacity + 1];
        // A neutral profile for learning: mean 0, variance 1.
        Array.Fill(ProfileVar, 1f);
    }

    public int Capacity { get; }
    /// <summary>The model the batch's buffers are bound to.</summary>
    public AnomalyModel Model => _model;
    public int Count { get; private set; }
    public float[] Frames { get; }
    public float[] ProfileMean { get; }
    public float[] ProfileVar { get; }
    public float[] Features { get; }
    public float[] AnomalyMap { get; }
    public float[] Attention { get; }
    public float[] Score { get; }

    public void Clear() => Count = 0;

    /// <summary>The buffers' first <paramref name="count"/> entries bound to the model (made on first use).</summary>
    internal OnnxBinding BindingFor(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _bindings[count] ??= _model.Bind(this, count);
    }

    public void Dispose()
    {
        for (var i = 1; i < _bindings.Length; i++)
        {
            _bindings[i]?.Dispose();
            _bindings[i] = null;
        }
        _disposed = true;
    }

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

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
