using Monitoring.Regions;

namespace Monitoring.Events;

/// <summary>One region followed across frames by IoU; a candidate until confirmed, then part of an event.</summary>
internal sealed class Track(Region region, DateTimeOffset firstSeen)
{
    public PixelBox Box { get; set; } = region.Box;
    /// <summary>Bit i set: matched i frames ago (bit 0 = this frame).</summary>
    public uint Hits { get; set; } = 1;
    public int QuietFrames { get; set; }
    public DateTimeOffset FirstSeen { get; } = firstSeen;
    /// <summary>The region matched in the current frame, or null.</summary>
    public Region? Current { get; set; } = region;
    public TrackedEvent? Owner { get; set; }
}
