namespace Monitoring.Capture;

/// <summary>
/// Decides which decoded frames are analysed so that a camera is analysed at its configured rate,
/// whatever rate it delivers (decode everything, analyse what is needed). Time is the frame's
/// timestamp in seconds (media time for files, wall clock for live sources).
/// </summary>
public sealed class FrameSampler(double analysisFps)
{
    private readonly double _period = analysisFps > 0 ? 1.0 / analysisFps : 0;
    private double _next = double.NegativeInfinity;

    public bool ShouldAnalyse(double seconds)
    {
        if (_period == 0) return true;
        if (double.IsNegativeInfinity(_next))
        {
            _next = seconds + _period;
            return true;
        }
        // Half a millisecond of slack absorbs rounding in media timestamps.
        if (seconds + 5e-4 < _next) return false;
        _next += _period;
        if (_next <= seconds) _next = seconds + _period; // after a gap, restart the cadence from now
        return true;
    }

    public void Reset() => _next = double.NegativeInfinity;
}
