namespace Monitoring.Analysis;

/// <summary>
/// The frame score of one camera: the mean of the model's <c>score</c> over the last <see cref="Window"/>
/// analysed frames of the current run of frames (causal; a stream start or reconnect starts afresh).
/// Anomalies last many frames while a normal frame's score spikes alone, so the mean separates them better
/// (models/README.md, "Frame score"); the window comes from the model (metadata <c>score_window</c>).
/// </summary>
public sealed class ScoreSmoother
{
    private readonly float[] _ring;
    private int _count;
    private int _next;
    private double _sum;

    public ScoreSmoother(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _ring = new float[window];
    }

    public int Window => _ring.Length;

    /// <summary>
    /// Adds the model's score of the next analysed frame and returns the frame score. <paramref name="restart"/>
    /// is true for the first frame of a new run (the frame window was reset): older scores are dropped.
    /// </summary>
    public float Add(float modelScore, bool restart)
    {
        if (restart) Reset();
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
    }
}
