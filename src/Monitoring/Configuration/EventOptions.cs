namespace Monitoring.Configuration;

/// <summary>
/// Event confirmation, tracking and cooldown. JSON:
/// <c>{ "confirmFrames": 2, "windowFrames": 3, "endAfterQuietFrames": 5, "iouThreshold": 0.25,
///      "updateIntervalSeconds": 10, "updatePeakRise": 0.1, "minUpdateGapSeconds": 2, "cooldownSeconds": 30,
///      "endGraceSeconds": 10, "staleEndSeconds": 30 }</c>.
/// See docs/alerts.md for the exact rules.
/// </summary>
public sealed class EventOptions
{
    /// <summary>k: a candidate becomes an event when seen in k of the last n analysed frames.</summary>
    public int ConfirmFrames { get; set; } = 2;
    /// <summary>n: the confirmation window, in analysed frames (at most 32).</summary>
    public int WindowFrames { get; set; } = 3;
    /// <summary>m: a tracked region is dropped after m consecutive frames without a match; an event ends when its last region is dropped.</summary>
    public int EndAfterQuietFrames { get; set; } = 5;
    /// <summary>Minimum box IoU for a region to continue a track (greedy matching, best IoU first).</summary>
    public double IouThreshold { get; set; } = 0.25;
    /// <summary>At most one periodic "update" per this many seconds of capture time.</summary>
    public double UpdateIntervalSeconds { get; set; } = 10;
    /// <summary>An "update" is sent early when the frame's peak exceeds the last sent peak by this much.</summary>
    public float UpdatePeakRise { get; set; } = 0.1f;

    /// <summary>Join and peak-rise updates come at most this often (seconds of capture time); 0 = at once.</summary>
    public double MinUpdateGapSeconds { get; set; } = 2;
    /// <summary>After "end", a confirmation in the same camera zone within this many seconds re-opens the event.</summary>
    public double CooldownSeconds { get; set; } = 30;
    /// <summary>
    /// Hysteresis before "end" (seconds of capture time): when an event's last region is dropped, its "end" waits this
    /// long; a region confirmed in the same zone meanwhile simply continues the event (no end / re-open pair). The
    /// "end" then carries the time the last region was dropped. 0 = end at once.
    /// </summary>
    public double EndGraceSeconds { get; set; } = 10;
    /// <summary>
    /// Seconds of wall clock (monotonic) without an analysed frame from a camera after which its open events, and
    /// those waiting out <see cref="EndGraceSeconds"/>, are ended ("end" with endReason "stale"): a camera that dies
    /// or is cut off mid-event does not leave the event open until it comes back. 1 to 3600.
    /// </summary>
    public double StaleEndSeconds { get; set; } = 30;
}
