using System.Text.Json.Serialization;

namespace Monitoring.Analysis;

/// <summary>How a camera's frame score averages the model's scores over its recent analysed frames (decision 0023).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScoreSmoothing>))]
public enum ScoreSmoothing
{
    /// <summary>The plain mean of the last <see cref="ScoreSmoother.Window"/> scores: profiles learned before decision 0023.</summary>
    [JsonStringEnumMemberName("mean")]
    Mean,
    /// <summary>
    /// An exponential mean with the same mean lag as the plain mean of the window, (W − 1) / 2 frames: weight
    /// α = 2 / (W + 1) on the newest score. What <c>learn</c> calibrates since decision 0023.
    /// </summary>
    [JsonStringEnumMemberName("exponential")]
    Exponential,
}

/// <summary>
/// The frame score of one camera: the model's <c>score</c> averaged over its recent analysed frames of the current run of
/// frames (causal; a stream start or reconnect starts afresh). Anomalies last many frames while a normal frame's score
/// spikes alone, so the average separates them better (models/README.md, "Frame score"); the window comes from the model
/// (metadata <c>score_window</c>), the kind of average from the camera's profile (<see cref="ScoreSmoothing"/>).
/// </summary>
public sealed class ScoreSmoother
{
    /// <summary>The smoothing <c>learn</c> calibrates new profiles with.</summary>
    public const ScoreSmoothing Learned = ScoreSmoothing.Exponential;

    private readonly float[] _ring;
    private readonly double _alpha;
    private int _count;
    private int _next;
    private double _sum;
    private double _ema;

    public ScoreSmoother(int window, ScoreSmoothing smoothing = ScoreSmoothing.Mean)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (!Enum.IsDefined(smoothing)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "use Mean or Exponential");
        Smoothing = smoothing;
        _ring = new float[smoothing == ScoreSmoothing.Mean ? window : 0];
        Window = window;
        _alpha = 2.0 / (window + 1);
    }

    /// <summary>The window, in analysed frames: the plain mean's length, or the span whose mean lag the exponential mean shares.</summary>
    public int Window { get; }

    public ScoreSmoothing Smoothing { get; }

    /// <summary>
    /// Adds the model's score of the next analysed frame and returns the frame score. <paramref name="restart"/>
    /// is true for the first frame of a new run (the frame window was reset): older scores are dropped.
    /// </summary>
    public float Add(float modelScore, bool restart)
    {
        if (restart) Reset();
        if (Smoothing == ScoreSmoothing.Exponential)
        {
            // A score that is not a number reads as such for its frame but never enters the average, which would keep it for
            // good (the plain mean drops it with its window). The first score of a run starts the average.
            if (!float.IsFinite(modelScore)) return modelScore;
            _ema = _count == 0 ? modelScore : _alpha * modelScore + (1 - _alpha) * _ema;
            _count = 1;
            return (float)_ema;
        }
        if (_count == _ring.Length) _sum -= _ring[_next];
        else _count++;
        _ring[_next] = modelScore;
        _sum += modelScore;
        _next = (_next + 1) % _ring.Length;
        // Recompute now and then so rounding in the running sum cannot drift over months of frames.
        if (_next == 0)
        {
            _sum = 0;
            for (var i = 0; i < _count; i++) _sum += _ring[i];
        }
        return (float)(_sum / _count);
    }

    public void Reset()
    {
        _count = 0;
        _next = 0;
        _sum = 0;
        _ema = 0;
    }
}
