using System.Buffers;
using Monitoring.Capture;

namespace Monitoring.Analysis;

/// <summary>A frame and what the model said of it. Owns the frame and a pooled copy of the map until disposed.</summary>
public sealed class ScoredFrame : IDisposable
{
    private float[]? _map;
    private float[]? _attention;

    /// <param name="attention">The model's attention over the cells (empty: none, no frame-score alerts).</param>
    public ScoredFrame(Frame frame, float score, ReadOnlySpan<float> anomalyMap, int cellsW, int cellsH, bool learning, string profileVersion,
        ReadOnlySpan<float> attention = default)
    {
        Frame = frame;
        Score = score;
        CellsW = cellsW;
        CellsH = cellsH;
        Learning = learning;
        ProfileVersion = profileVersion;
        _map = ArrayPool<float>.Shared.Rent(anomalyMap.Length);
        anomalyMap.CopyTo(_map);
        MapLength = anomalyMap.Length;
        if (!attention.IsEmpty)
        {
            _attention = ArrayPool<float>.Shared.Rent(attention.Length);
            attention.CopyTo(_attention);
        }
    }

    public Frame Frame { get; }
    public string CameraId => Frame.CameraId;
    /// <summary>The frame score: the model's score averaged over the camera's last analysed frames (<see cref="ScoreSmoother"/>).</summary>
    public float Score { get; }
    public int CellsW { get; }
    public int CellsH { get; }
    private int MapLength { get; }
    /// <summary>True while the camera is still learning its profile: nothing is alerted.</summary>
    public bool Learning { get; }
    /// <summary>
    /// True while the camera's frame window still holds padding instead of real past frames (the first T−1 frames
    /// after a start or reconnect): the model sees a sudden "motion" that is not there, so nothing is alerted.
    /// </summary>
    public bool WarmingUp { get; init; }
    /// <summary>The region threshold the camera's profile derived (null while learning); the config may override it.</summary>
    public float? ProfileThreshold { get; init; }
    /// <summary>The share of the camera's learned normal frames whose frame score is at least <see cref="Score"/> (null while learning).</summary>
    public double? FrameTailProbability { get; init; }
    /// <summary>The frame tail probability at or below which the frame alerts from its score (the profile's; null: none).</summary>
    public double? FrameTailThreshold { get; init; }
    /// <summary>
    /// True once the frame score's window holds no frame whose own model window was still padding: after a stream start or
    /// reconnect, the first scores are inflated by the padded past and stay in the mean for a window's length.
    /// </summary>
    public bool ScoreSettled { get; init; }
    /// <summary>The pooled attention array (may be longer than the cells), null when the model gave none; valid until <see cref="Dispose"/>.</summary>
    public float[]? AttentionArray => _map is null ? throw new ObjectDisposedException(nameof(ScoredFrame)) : _attention;
    /// <summary>The profile the frame was scored against ("learning" while learning).</summary>
    public string ProfileVersion { get; }
    /// <summary>The pooled map array (may be longer than CellsW × CellsH); valid until <see cref="Dispose"/>.</summary>
    public float[] MapArray => _map ?? throw new ObjectDisposedException(nameof(ScoredFrame));
    public ReadOnlySpan<float> AnomalyMap => (_map ?? throw new ObjectDisposedException(nameof(ScoredFrame))).AsSpan(0, MapLength);
    /// <summary>Environment.TickCount64 when the model's answer was ready.</summary>
    public long AnalysedTicks { get; init; } = Environment.TickCount64;

    public void Dispose()
    {
        var m = Interlocked.Exchange(ref _map, null);
        if (m is not null) ArrayPool<float>.Shared.Return(m);
        var a = Interlocked.Exchange(ref _attention, null);
        if (a is not null) ArrayPool<float>.Shared.Return(a);
        Frame.Dispose();
    }
}
