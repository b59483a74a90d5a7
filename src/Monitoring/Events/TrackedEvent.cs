namespace Monitoring.Events;

/// <summary>The state of one event conversation of a camera.</summary>
internal sealed class TrackedEvent(string id, string? zoneKey, DateTimeOffset startedAt)
{
    public string Id { get; } = id;
    /// <summary>The zone the event was confirmed in (null: outside every zone); the cooldown key.</summary>
    public string? ZoneKey { get; } = zoneKey;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset LastSeenAt { get; set; } = startedAt;
    public int Sequence { get; set; }
    public DateTimeOffset LastSentAt { get; set; }
    public float LastSentPeak { get; set; }
    public float MaxPeak { get; set; }
    public List<Track> Tracks { get; } = [];
    public DateTimeOffset CooldownUntil { get; set; }
    /// <summary>When its last track was dropped, while its "end" waits out the grace; null while it has tracks.</summary>
    public DateTimeOffset? QuietSince { get; set; }
}
