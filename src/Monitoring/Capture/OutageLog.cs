namespace Monitoring.Capture;

/// <summary>
/// Decides which of a camera's connection failures are worth a warning, so a camera that stays down for
/// months does not write one line per retry. The first failure of an outage is a warning; later failures
/// are a warning only when the error changes, otherwise at most one "still down" summary per
/// <see cref="SummaryIntervalMs"/>; the rest go to debug. When frames flow again the outage ends with one
/// line saying how long it lasted. Pure logic: the caller passes the clock.
/// </summary>
public sealed class OutageLog
{
    private string? _lastError;
    private long _startMs, _lastWarnMs;

    public OutageLog(long summaryIntervalMs = 10 * 60_000) => SummaryIntervalMs = summaryIntervalMs;

    public long SummaryIntervalMs { get; }
    /// <summary>True between a failure and the next recovery.</summary>
    public bool InOutage { get; private set; }
    /// <summary>Failed attempts in the current (or last) outage.</summary>
    public int Attempts { get; private set; }

    /// <summary>Records a failed attempt and says how to log it.</summary>
    public OutageEntry Failure(string error, long nowMs)
    {
        Attempts = InOutage ? Attempts + 1 : 1;
        if (!InOutage)
        {
            InOutage = true;
            _startMs = nowMs;
            _lastWarnMs = nowMs;
            _lastError = error;
            return new OutageEntry(OutageLevel.Warning, OutageKind.First, Attempts, 0);
        }
        var down = nowMs - _startMs;
        if (!string.Equals(error, _lastError, StringComparison.Ordinal))
        {
            _lastError = error;
            _lastWarnMs = nowMs;
            return new OutageEntry(OutageLevel.Warning, OutageKind.Changed, Attempts, down);
        }
        if (nowMs - _lastWarnMs >= SummaryIntervalMs)
        {
            _lastWarnMs = nowMs;
            return new OutageEntry(OutageLevel.Warning, OutageKind.StillDown, Attempts, down);
        }
        return new OutageEntry(OutageLevel.Debug, OutageKind.Repeated, Attempts, down);
    }

    /// <summary>Frames flow again: ends the outage. Null when there was none.</summary>
    public OutageEntry? Recovered(long nowMs)
    {
        if (!InOutage) return null;
        InOutage = false;
        _lastError = null;
        return new OutageEntry(OutageLevel.Information, OutageKind.Recovered, Attempts, nowMs - _startMs);
    }
}

public enum OutageLevel { Debug, Information, Warning }

/// <summary>First failure, a different error, a periodic "still down", a repeat (debug), or the recovery.</summary>
public enum OutageKind { First, Changed, StillDown, Repeated, Recovered }

public readonly record struct OutageEntry(OutageLevel Level, OutageKind Kind, int Attempts, long DownMs);
