namespace Monitoring.Events;

/// <summary>Why an event ended; on "end" messages only, serialised as "quiet", "stale", "shutdown".</summary>
public enum EndReason
{
    /// <summary>Frames showed its regions gone for the end grace (the normal end).</summary>
    Quiet,
    /// <summary>The camera delivered no analysed frame for <see cref="EventOptions.StaleEndSeconds"/> (camera down, network cut).</summary>
    Stale,
    /// <summary>The daemon stopped (the frames ran out) while the event was open.</summary>
    Shutdown,
}
