using Monitoring.Configuration;
using Monitoring.Events;
using Monitoring.Regions;

namespace Monitoring.Tests.Events;

public class EventTrackerTests
{
    // endGrace 0 (the end at once) unless a test is about the grace: the scripts below count frames to the end.
    private static EventOptions Options(double updateInterval = 3, double cooldown = 30, double endGrace = 0) => new()
    {
        ConfirmFrames = 2, WindowFrames = 3, EndAfterQuietFrames = 3, IouThreshold = 0.25,
        UpdateIntervalSeconds = updateInterval, UpdatePeakRise = 0.2f, CooldownSeconds = cooldown, EndGraceSeconds = endGrace,
    };

    [Fact]
    public void A_region_back_within_the_end_grace_continues_the_event_without_an_end_and_reopen_pair()
    {
        var script = new EventScript(Options(updateInterval: 1000, endGrace: 10));
        script.Frame(Blob); script.Frame(Blob);          // t 0-1: new at t 1
        script.Quiet(5);                                   // t 2-6: the track is dropped at t 4, the end waits
        script.Frame(Blob); script.Frame(Blob);            // t 7-8: confirmed again -> joins the open event
        Assert.Equal("new,update", script.Types);
        Assert.False(script.Messages[1].Reopened);
        Assert.Equal(script.Start.AddSeconds(8), script.Messages[1].OccurredAt);
        script.Quiet(12);                                  // t 9-20: dropped at t 11, still waiting at t 20
        Assert.Equal("new,update", script.Types);
        script.Quiet(1);                                   // t 21: 10 s after the drop -> end
        Assert.Equal("new,update,end", script.Types);
        var end = script.Messages[^1];
        Assert.Equal(script.Start.AddSeconds(11), end.EndedAt);            // when the last region was dropped
        Assert.Equal(script.Start.AddSeconds(21), end.OccurredAt);         // sent once the grace had passed
        Assert.Equal(script.Start.AddSeconds(11 + 30), end.CooldownUntil);
        Assert.Equal(new[] { 1, 2, 3 }, script.Messages.Select(m => m.Sequence));
        Assert.Single(script.Messages.Select(m => m.EventId).Distinct());
    }

    [Fact]
    public void Without_grace_the_same_flicker_is_an_end_and_a_reopen()
    {
        var script = new EventScript(Options(updateInterval: 1000, endGrace: 0));
        script.Frame(Blob); script.Frame(Blob);
        script.Quiet(5);
        script.Frame(Blob); script.Frame(Blob);
        Assert.Equal("new,end,update", script.Types);
        Assert.True(script.Messages[2].Reopened);
        Assert.Equal(script.Start.AddSeconds(4), script.Messages[1].EndedAt);
    }

    [Fact]
    public void A_clock_going_back_during_the_grace_restarts_it_instead_of_stalling_the_end()
    {
        var script = new EventScript(Options(endGrace: 10));
        script.Frame(Blob); script.Frame(Blob);
        script.Quiet(3);                                   // dropped at t 4
        script.Rewind(100);                                // the next frame is stamped t -95
        script.Quiet(10);                                  // t -95 .. -86: the grace restarted at t -95
        Assert.Equal("new", script.Types);
        script.Quiet(1);                                   // t -85: 10 s after the restart
        Assert.Equal("new,end", script.Types);
        Assert.Equal(script.Start.AddSeconds(-95), script.Messages[^1].EndedAt);
    }

    [Fact]
    public void EndAll_ends_an_event_waiting_out_its_grace_with_the_drop_time()
    {
        var script = new EventScript(Options(endGrace: 60));
        script.Frame(Blob); script.Frame(Blob);
        script.Quiet(5);                                   // dropped at t 4; the end would come at t 64
        Assert.Equal("new", script.Types);
        Assert.Equal(1, script.Tracker.OpenEvents);
        var ends = script.Tracker.EndAll(script.Start.AddSeconds(7));
        var end = Assert.Single(ends);
        Assert.Equal(AlertLifecycle.End, end.Type);
        Assert.Equal(script.Start.AddSeconds(4), end.EndedAt);
        Assert.Equal(0, script.Tracker.OpenEvents);
    }

    [Fact]
    public void EndStale_ends_an_open_event_at_the_capture_time_of_the_last_frame()
    {
        var script = new EventScript(Options(updateInterval: 1000));
        script.Frame(Blob); script.Frame(Blob); script.Frame(Blob);   // t 0-2: new at t 1, still seen at t 2
        Assert.Equal("new", script.Types);
        var end = Assert.Single(script.Tracker.EndStale());
        Assert.Equal(AlertLifecycle.End, end.Type);
        Assert.Equal(EndReason.Stale, end.EndReason);
        Assert.Equal(script.Start.AddSeconds(2), end.EndedAt);           // last seen then, not "now"
        Assert.Equal(script.Start.AddSeconds(2), end.OccurredAt);
        Assert.Equal(script.Start.AddSeconds(2), end.LastSeenAt);
        Assert.Equal(2, end.FrameIndex);
        Assert.Equal(script.Start.AddSeconds(2 + 30), end.CooldownUntil);
        Assert.Equal(script.Messages[0].EventId, end.EventId);
        Assert.Equal(2, end.Sequence);
        Assert.Empty(end.Regions);
        Assert.Equal(0, script.Tracker.OpenEvents);
        Assert.Empty(script.Tracker.EndStale());                         // exactly one end
    }

    [Fact]
    public void EndStale_ends_an_event_waiting_out_its_grace_with_the_drop_time()
    {
        var script = new EventScript(Options(endGrace: 10));
        script.Frame(Blob); script.Frame(Blob);                          // new at t 1
        script.Quiet(5);                                                 // dropped at t 4, waiting; last frame t 6
        Assert.Equal("new", script.Types);
        var end = Assert.Single(script.Tracker.EndStale());
        Assert.Equal(EndReason.Stale, end.EndReason);
        Assert.Equal(script.Start.AddSeconds(4), end.EndedAt);
        Assert.Equal(script.Start.AddSeconds(6), end.OccurredAt);
        Assert.Equal(script.Start.AddSeconds(4 + 30), end.CooldownUntil);
        Assert.Equal(0, script.Tracker.OpenEvents);
    }

    [Fact]
    public void EndStale_without_an_open_event_or_a_frame_sends_nothing()
    {
        var script = new EventScript(Options());
        Assert.Empty(script.Tracker.EndStale());                         // no frame yet
        script.Frame(Blob); script.Frame(Blob);
        script.Quiet(3);                                                 // ended normally
        Assert.Equal("new,end", script.Types);
        Assert.Empty(script.Tracker.EndStale());
    }

    [Fact]
    public void After_a_stale_end_tracking_starts_afresh_and_a_region_back_within_the_cooldown_reopens_the_event()
    {
        var script = new EventScript(Options(updateInterval: 1000, cooldown: 120));
        script.Frame(Blob); script.Frame(Blob);                          // new at t 1, last frame t 1
        script.Messages.AddRange(script.Tracker.EndStale());             // ended at t 1, cooldown until t 121
        script.Gap(60);                                                  // the camera was down for a minute
        script.Frame(Blob);                                              // t 62: a fresh candidate, the old track is gone
        Assert.Equal("new,end", script.Types);
        script.Frame(Blob);                                              // t 63: confirmed again
        Assert.Equal("new,end,update", script.Types);
        var reopen = script.Messages[^1];
        Assert.True(reopen.Reopened);
        Assert.Equal(script.Messages[0].EventId, reopen.EventId);
        Assert.Equal(3, reopen.Sequence);
        Assert.Null(reopen.EndReason);
    }

    [Fact]
    public void After_a_stale_end_a_region_back_after_the_cooldown_starts_a_new_event()
    {
        var script = new EventScript(Options(updateInterval: 1000, cooldown: 30));
        script.Frame(Blob); script.Frame(Blob);
        script.Messages.AddRange(script.Tracker.EndStale());             // ended at t 1, cooldown until t 31
        script.Gap(3600);                                                // back an hour later
        script.Frame(Blob); script.Frame(Blob);
        Assert.Equal("new,end,new", script.Types);
        Assert.NotEqual(script.Messages[0].EventId, script.Messages[2].EventId);
        Assert.Equal(1, script.Messages[2].Sequence);
    }

    [Fact]
    public void End_messages_say_why_the_event_ended()
    {
        var quiet = new EventScript(Options());
        quiet.Frame(Blob); quiet.Frame(Blob); quiet.Quiet(3);
        Assert.Equal("new,end", quiet.Types);
        Assert.Null(quiet.Messages[0].EndReason);
        Assert.Equal(EndReason.Quiet, quiet.Messages[1].EndReason);

        var shutdown = new EventScript(Options());
        shutdown.Frame(Blob); shutdown.Frame(Blob);
        Assert.Equal(EndReason.Shutdown, Assert.Single(shutdown.Tracker.EndAll(shutdown.Start.AddSeconds(10))).EndReason);

        var stale = new EventScript(Options());
        stale.Frame(Blob); stale.Frame(Blob);
        Assert.Equal(EndReason.Stale, Assert.Single(stale.Tracker.EndStale()).EndReason);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3601)]
    [InlineData(double.NaN)]
    public void End_grace_out_of_range_is_a_config_error_naming_the_setting(double grace)
    {
        var errors = new EventOptionsValidator().Check(new EventOptions { EndGraceSeconds = grace }, "alerts.events");
        Assert.Contains(errors, e => e.Contains("alerts.events.endGraceSeconds", StringComparison.Ordinal) && e.Contains("0 to 3600", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(-1)]
    [InlineData(3601)]
    [InlineData(double.NaN)]
    public void Stale_end_out_of_range_is_a_config_error_naming_the_setting(double seconds)
    {
        var errors = new EventOptionsValidator().Check(new EventOptions { StaleEndSeconds = seconds }, "alerts.events");
        Assert.Contains(errors, e => e.Contains("alerts.events.staleEndSeconds", StringComparison.Ordinal) && e.Contains("1 to 3600", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(3600)]
    public void Stale_end_within_range_is_valid(double seconds)
    {
        Assert.Empty(new EventOptionsValidator().Check(new EventOptions { StaleEndSeconds = seconds }, "alerts.events"));
    }

    [Fact]
    public void Stale_end_defaults_to_30_seconds()
    {
        Assert.Equal(30, new EventOptions().StaleEndSeconds);
    }

    private static readonly (int, int, int, int) Blob = (4, 4, 3, 3);

    public static TheoryData<string, string[], string> Scripts() => new()
    {
        // One character per frame: 'B' blob present, '.' quiet. Expected: message types in order.
        { "flicker 1 of 3 never confirms", ["B..B..B..B..B.."], "" },
        { "two of three confirms on the second hit", ["B.B...."], "new,end" },
        { "steady blob: new, rate-limited updates, end after 3 quiet frames", ["BBBBBBBBBB..."], "new,update,update,end" },
        { "end needs m quiet frames", ["BBBB.."], "new" },
        { "short gap does not end the event", ["BBB..BBB..."], "new,update,end" },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Lifecycle_follows_the_script(string name, string[] frames, string expected)
    {
        _ = name;
        var script = new EventScript(Options());
        foreach (char c in frames[0])
        {
            if (c == 'B') script.Frame(Blob); else script.Frame();
        }
        Assert.Equal(expected, script.Types);
        if (script.Messages.Count == 0) return;
        Assert.Single(script.Messages.Select(m => m.EventId).Distinct());
        Assert.Equal(Enumerable.Range(1, script.Messages.Count), script.Messages.Select(m => m.Sequence));
        Assert.All(script.Messages, m => Assert.Equal($"{m.EventId}.{m.Sequence}", m.Id));
    }

    [Fact]
    public void Steady_blob_messages_carry_times_regions_and_versions()
    {
        var script = new EventScript(Options());
        for (int i = 0; i < 5; i++) script.Frame(Blob);
        script.Quiet(3);
        var first = script.Messages[0];
        Assert.Equal(AlertLifecycle.New, first.Type);
        Assert.Equal(script.Start, first.StartedAt);                 // first sighting, not confirmation
        Assert.Equal(script.Start.AddSeconds(1), first.OccurredAt);  // confirmed on the second frame
        Assert.Equal(new PixelBox(40, 40, 30, 30), Assert.Single(first.Regions).Box);
        Assert.Equal("model-1", first.ModelVersion);
        Assert.Equal("profile-1", first.ProfileVersion);
        var end = script.Messages[^1];
        Assert.Equal(AlertLifecycle.End, end.Type);
        Assert.Empty(end.Regions);
        Assert.Equal(script.Start.AddSeconds(4), end.LastSeenAt);
        Assert.Equal(script.Start.AddSeconds(7), end.EndedAt);
        Assert.Equal(script.Start.AddSeconds(37), end.CooldownUntil);
        Assert.Equal(0.9f, end.MaxPeak, 5);
    }

    [Fact]
    public void Peak_rise_sends_an_early_update()
    {
        var script = new EventScript(Options(updateInterval: 100));
        script.FrameWithPeak(0.6f, Blob);
        script.FrameWithPeak(0.6f, Blob);
        script.FrameWithPeak(0.65f, Blob);
        script.FrameWithPeak(0.9f, Blob);
        Assert.Equal("new,update", script.Types);
        Assert.Equal(0.9f, script.Messages[1].MaxPeak, 5);
    }

    [Fact]
    public void Moving_blob_keeps_one_event_id()
    {
        var script = new EventScript(Options(updateInterval: 1000));
        for (int x = 0; x < 12; x++) script.Frame((x, 4, 4, 4)); // moves one cell per frame: IoU 0.6
        script.Quiet(3);
        Assert.Equal("new,end", script.Types);
        Assert.Single(script.Messages.Select(m => m.EventId).Distinct());
    }

    [Theory]
    [InlineData(0, "new,update,update,update,update")]
    [InlineData(5, "new,update")]
    public void Joins_in_a_busy_scene_are_rate_limited_by_the_minimum_update_gap(double gap, string expected)
    {
        var options = Options(updateInterval: 1000);
        options.MinUpdateGapSeconds = gap;
        var script = new EventScript(options);
        // A steady blob, and a new blob appearing every frame (each confirmed one frame later and joining the event).
        (int, int, int, int)[] others = [(0, 0, 2, 2), (13, 0, 2, 2), (0, 9, 2, 2), (13, 9, 2, 2), (7, 0, 2, 2)];
        for (var t = 0; t < 7; t++)
            script.Frame([Blob, .. others.Take(Math.Max(0, t - 1))]);
        Assert.Equal(expected, script.Types);
        Assert.Single(script.Messages.Select(m => m.EventId).Distinct());
    }

    [Fact]
    public void Jumping_blob_without_overlap_in_the_same_zone_joins_the_open_event()
    {
        var script = new EventScript(Options(updateInterval: 1000));
        script.Frame((0, 0, 3, 3));
        script.Frame((0, 0, 3, 3));
        script.Frame((10, 8, 3, 3));
        script.Frame((10, 8, 3, 3));
        Assert.Equal("new,update", script.Types); // the joined track announces itself in an update
        Assert.Single(script.Messages.Select(m => m.EventId).Distinct());
    }

    [Fact]
    public void Reappearance_within_cooldown_reopens_the_same_event()
    {
        var script = new EventScript(Options(cooldown: 30));
        script.Frame(Blob); script.Frame(Blob);
        script.Quiet(5);                                   // end after 3 quiet frames
        script.Frame(Blob); script.Frame(Blob);            // back 5 s later
        script.Quiet(3);
        Assert.Equal("new,end,update,end", script.Types);
        Assert.Single(script.Messages.Select(m => m.EventId).Distinct());
        Assert.True(script.Messages[2].Reopened);
        Assert.Equal(new[] { 1, 2, 3, 4 }, script.Messages.Select(m => m.Sequence));
    }

    [Fact]
    public void Reappearance_after_cooldown_is_a_new_event()
    {
        var script = new EventScript(Options(cooldown: 2));
        script.Frame(Blob); script.Frame(Blob);
        script.Quiet(6);
        script.Frame(Blob); script.Frame(Blob);
        Assert.Equal("new,end,new", script.Types);
        Assert.NotEqual(script.Messages[0].EventId, script.Messages[2].EventId);
    }

    [Fact]
    public void Different_zones_are_different_conversations()
    {
        var regions = new RegionOptions
        {
            Threshold = 0.5f,
            Zones =
            [
                new ZoneOptions { Name = "left", Points = SyntheticMaps.Rect(0, 0, 80, 120) },
                new ZoneOptions { Name = "right", Points = SyntheticMaps.Rect(80, 0, 80, 120) },
            ],
        };
        var script = new EventScript(Options(updateInterval: 1000), regions);
        script.Frame((1, 1, 2, 2), (12, 1, 2, 2));
        script.Frame((1, 1, 2, 2), (12, 1, 2, 2));
        Assert.Equal("new,new", script.Types);
        Assert.Equal(2, script.Messages.Select(m => m.EventId).Distinct().Count());
        Assert.Equal(["left", "right"], script.Messages.SelectMany(m => m.Zones).Order());
    }

    [Fact]
    public void EndAll_closes_open_events()
    {
        var script = new EventScript(Options());
        script.Frame(Blob); script.Frame(Blob);
        var ends = script.Tracker.EndAll(script.Start.AddSeconds(10));
        Assert.Equal(AlertLifecycle.End, Assert.Single(ends).Type);
        Assert.Equal(0, script.Tracker.OpenEvents);
    }

    [Fact]
    public void Event_ids_are_26_char_sortable()
    {
        var a = EventIds.NewId(DateTimeOffset.FromUnixTimeMilliseconds(1000));
        var b = EventIds.NewId(DateTimeOffset.FromUnixTimeMilliseconds(2000));
        Assert.Equal(26, a.Length);
        Assert.True(string.CompareOrdinal(a, b) < 0);
    }
}
