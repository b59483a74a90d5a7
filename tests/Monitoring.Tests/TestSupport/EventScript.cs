using Monitoring.Configuration;
using Monitoring.Events;
using Monitoring.Regions;

namespace Monitoring.Tests.TestSupport;

/// <summary>Feeds a tracker one frame per second from synthetic blob maps (16×12 map on a 160×120 frame).</summary>
internal sealed class EventScript(EventOptions options, RegionOptions? regions = null)
{
    private readonly RegionExtractor _extractor = new(regions ?? new RegionOptions { Threshold = 0.5f });
    private long _frame, _clockOffset;

    public EventTracker Tracker { get; } = new("cam", options, "model-1", "profile-1");
    public List<AlertMessage> Messages { get; } = [];
    public DateTimeOffset Start { get; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public void Frame(params (int X, int Y, int W, int H)[] blobs) => FrameWithPeak(0.9f, blobs);

    public void FrameWithPeak(float peak, params (int X, int Y, int W, int H)[] blobs)
    {
        var map = SyntheticMaps.Blobs(16, 12, blobs.Select(b => (b.X, b.Y, b.W, b.H, peak)).ToArray());
        var analysis = SyntheticMaps.Frame(map, 16, 12, 160, 120, _frame, Start.AddSeconds(_frame + _clockOffset));
        _frame++;
        Messages.AddRange(Tracker.Observe(_extractor.Observe(analysis)));
    }

    /// <summary>Moves the capture clock back (a file restarting from its beginning); frame times go on from there.</summary>
    public void Rewind(int seconds) => _clockOffset -= seconds;

    /// <summary>Leaves a gap in capture time (a camera that was down); frame times go on from there.</summary>
    public void Gap(int seconds) => _clockOffset += seconds;

    /// <summary>Capture time of the next frame.</summary>
    public DateTimeOffset Next => Start.AddSeconds(_frame + _clockOffset);

    public void Quiet(int frames)
    {
        for (int i = 0; i < frames; i++) Frame();
    }

    public string Types => string.Join(",", Messages.Select(m => m.Type.ToString().ToLowerInvariant()));
}
