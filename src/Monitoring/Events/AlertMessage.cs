using Monitoring.Regions;

namespace Monitoring.Events;

/// <summary>
/// One message of an event conversation: the webhook body (see docs/alert-payload.schema.json).
/// <see cref="Id"/> is "{eventId}.{sequence}": stable per message, so a receiver de-duplicates retries by it.
/// </summary>
public sealed record AlertMessage
{
    public int SchemaVersion { get; init; } = 1;
    public required string Id { get; init; }
    public required AlertLifecycle Type { get; init; }
    public required string EventId { get; init; }
    public required int Sequence { get; init; }
    public required string Camera { get; init; }
    public required IReadOnlyList<string> Zones { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset LastSeenAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>On "end": why the event ended (quiet, stale, shutdown); null on "new" and "update".</summary>
    public EndReason? EndReason { get; init; }
    /// <summary>On "end": until when a re-appearance in the same zone re-opens this event instead of starting a new one.</summary>
    public DateTimeOffset? CooldownUntil { get; init; }
    /// <summary>True on the "update" that re-opens an ended event within its cooldown.</summary>
    public bool Reopened { get; init; }
    /// <summary>Capture time of the frame that produced this message.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
    public required long FrameIndex { get; init; }
    /// <summary>The camera's frame score at this frame: the model's score averaged over its last analysed frames (models/README.md, "Frame score").</summary>
    public required float FrameScore { get; init; }
    /// <summary>
    /// The share of this camera's learned normal frames whose frame score is at least <see cref="FrameScore"/> (its profile's
    /// calibration; 1e-4 = one normal frame in 10,000 scores this high); null where the profile has no distribution.
    /// </summary>
    public double? FrameTailProbability { get; init; }
    /// <summary>The highest region peak seen over the whole event so far.</summary>
    public required float MaxPeak { get; init; }
    /// <summary>The event's regions in this frame (empty on "end").</summary>
    public required IReadOnlyList<Region> Regions { get; init; }
    public SnapshotLinks? Snapshot { get; init; }
    public required string ModelVersion { get; init; }
    public required string ProfileVersion { get; init; }
}
