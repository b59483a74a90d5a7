using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Events;
using Monitoring.Native.OpenCv;
using Monitoring.Regions;
using Monitoring.Web;

namespace Monitoring.Tests.Web;

/// <summary>The dashboard's feed with real frames, the real shim's heatmap and JPEG encoder, and a manual clock.</summary>
public sealed class DashboardFeedTests
{
    private const int W = 64, H = 48, CellsW = 8, CellsH = 6;

    private static ScoredFrame Scored(long index, bool learning = false, float hotValue = 0.95f)
    {
        var frame = new Frame("cam", index, DateTimeOffset.UnixEpoch.AddSeconds(index), W, H, W, H, W * 2, H * 2);
        frame.Grey.Fill(90);
        frame.Bgr.Fill(90);
        var map = new float[CellsW * CellsH];
        map[CellsW * 2 + 5] = hotValue; // one hot cell: column 5, row 2
        return new ScoredFrame(frame, 0.3f, map, CellsW, CellsH, learning, learning ? "learning" : "p1") { ProfileThreshold = 0.8f };
    }

    private static readonly Region Hot = new(new PixelBox(80, 32, 16, 16), 0.95f, 0.95f, 1, 256, "door");

    private static (DashboardFeed Feed, ManualClock Clock) NewFeed(double maxFps = 2)
    {
        var clock = new ManualClock();
        return (new DashboardFeed(new DashboardOptions { MaxFps = maxFps }, new AlertingOptions(), head: null, clock), clock);
    }

    private static void Observe(DashboardFeed feed, long index, IReadOnlyList<Region>? regions = null)
    {
        using var f = Scored(index);
        feed.Observe(f, regions ?? []);
    }

    private static async Task<(byte[] Jpeg, long Version)> NextFrame(CameraView view, FrameOverlay overlay, long after)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var next = await view.NextAsync(overlay, after, timeout.Token);
        Assert.True(next.HasValue, "no frame was rendered within 10 s");
        return next.Value;
    }

    private static async Task WaitIdle(CameraView view)
    {
        for (var i = 0; i < 1000 && view.RenderPending; i++) await Task.Delay(10);
        Assert.False(view.RenderPending, "a render did not finish within 10 s");
    }

    [Fact]
    public void Without_a_viewer_nothing_is_rendered_but_the_scores_are_kept()
    {
        var (feed, clock) = NewFeed();
        for (var i = 0; i < 40; i++)
        {
            Observe(feed, i);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        var view = feed.Camera("cam");
        Assert.Equal(0, view.Rendered);
        Assert.Equal(40, view.Analysed);
        var scores = view.Scores(0);
        Assert.Equal(40, scores.Count);
        Assert.All(scores, s => Assert.Equal(0.3f, s.Score));
        Assert.All(scores, s => Assert.Equal(0.95f, s.Peak));
        Assert.All(scores, s => Assert.Equal(0.8f, s.Threshold)); // the profile's threshold: the config sets none
        Assert.Equal(W * 2, view.SourceWidth);
    }

    [Fact]
    public async Task A_viewer_gets_frames_at_most_max_fps_and_none_once_it_leaves()
    {
        var (feed, clock) = NewFeed(maxFps: 2);
        var view = feed.Camera("cam");
        long version = 0;
        using (view.Watch(FrameOverlay.Heatmap))
        {
            // 10 analysed frames per second for 3 s: at most one render per 0.5 s.
            for (var i = 0; i < 30; i++)
            {
                Observe(feed, i);
                await WaitIdle(view);
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }
            // Claimed at 0, 0.5, 1.0, 1.5, 2.0 and 2.5 s.
            Assert.Equal(6, view.Rendered);
            version = (await NextFrame(view, FrameOverlay.Heatmap, version)).Version;
            Assert.Equal(6, version);
        }
        Assert.Equal(0, view.Viewers(clock.GetTimestamp()));
        var before = view.Rendered;
        for (var i = 30; i < 50; i++)
        {
            Observe(feed, i);
            clock.Advance(TimeSpan.FromMilliseconds(600));
        }
        Assert.Equal(before, view.Rendered);
    }

    [Fact]
    public async Task A_still_frame_request_keeps_frames_rendered_for_its_lease_only()
    {
        var (feed, clock) = NewFeed(maxFps: 2);
        var view = feed.Camera("cam");
        var lease = TimeSpan.FromSeconds(3).Ticks; // ManualClock: one timestamp tick = one TimeSpan tick
        Assert.Null(view.Lease(FrameOverlay.Attention, clock.GetTimestamp(), lease)); // nothing rendered yet
        Assert.Equal(1, view.Viewers(clock.GetTimestamp()));
        for (var i = 0; i < 60; i++) // 6 s at 10 analysed frames per second; the lease ran out after 3
        {
            Observe(feed, i);
            await WaitIdle(view);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(6, view.Rendered); // 0, 0.5, …, 2.5 s
        Assert.Equal(0, view.Viewers(clock.GetTimestamp()));
        var jpeg = view.Lease(FrameOverlay.Attention, clock.GetTimestamp(), lease);
        Assert.NotNull(jpeg);
        Assert.Equal(W, ImageCodec.Decode(jpeg).Width);
        Assert.Null(view.Lease(FrameOverlay.None, clock.GetTimestamp(), lease)); // another overlay was never rendered
    }

    [Fact]
    public async Task The_heatmap_lights_the_hot_cell_the_plain_view_does_not_and_boxes_are_drawn()
    {
        var (feed, _) = NewFeed();
        var view = feed.Camera("cam");
        using var heat = view.Watch(FrameOverlay.Heatmap);
        using var plain = view.Watch(FrameOverlay.None);
        Observe(feed, 0, [Hot]);
        var heatJpeg = (await NextFrame(view, FrameOverlay.Heatmap, 0)).Jpeg;
        var plainJpeg = (await NextFrame(view, FrameOverlay.None, 0)).Jpeg;
        var h = ImageCodec.Decode(heatJpeg);
        var p = ImageCodec.Decode(plainJpeg);
        Assert.Equal((W, H), (h.Width, h.Height));
        // The hot cell (column 5, row 2 of 8×6 cells over 64×48 pixels) is coloured in the heatmap, grey in the plain view.
        var (hb, hg, hr) = Pixels.At(h.Pixels, W, 44, 20);
        var (pb, pg, pr) = Pixels.At(p.Pixels, W, 44, 20);
        Assert.True(Math.Abs(hr - hb) + Math.Abs(hg - hb) > 60, $"heatmap pixel {hr},{hg},{hb} is not coloured");
        Assert.True(Math.Abs(pr - pb) + Math.Abs(pg - pb) < 20, $"plain pixel {pr},{pg},{pb} is coloured");
        // A cold cell is left alone by the heatmap.
        var (cb, cg, cr) = Pixels.At(h.Pixels, W, 4, 44);
        Assert.True(Math.Abs(cr - 90) < 15 && Math.Abs(cb - 90) < 15, $"cold pixel {cr},{cg},{cb} changed");
        // The region's box (source 80,32 16×16 → image 40,16 8×8) is drawn in yellow on its edge (1 px wide: JPEG blurs its blue).
        var (bb, bg, br) = Pixels.At(p.Pixels, W, 40, 20);
        Assert.True(br > 180 && bg > 180 && bb < br - 60, $"box edge pixel {br},{bg},{bb} is not yellow");
    }

    [Fact]
    public async Task Attention_is_the_softmax_of_the_models_distance_recovered_from_the_map()
    {
        var head = ModelHead.FromMetadata(new Dictionary<string, string>
        {
            ["calibration"] = """{ "eps": 0.01, "cal_a": 3.0, "cal_b": 1.5, "beta": 2.0 }""",
        }, 1, "test.onnx")!;
        float[] s = [0.2f, 1.0f, 1.5f, 2.5f, 3.0f];
        var map = s.Select(head.Map).ToArray();
        var attention = new float[s.Length];
        AttentionMap.FromAnomalyMap(head, map, attention);
        var expected = s.Select(v => Math.Exp(2.0 * v)).ToArray();
        var max = expected.Max();
        for (var i = 0; i < s.Length; i++) Assert.Equal(expected[i] / max, attention[i], 3);

        var feed = new DashboardFeed(new DashboardOptions(), new AlertingOptions(), head, new ManualClock());
        Assert.True(feed.AttentionAvailable);
        var view = feed.Camera("cam");
        using var watch = view.Watch(FrameOverlay.Attention);
        Observe(feed, 0);
        var jpeg = (await NextFrame(view, FrameOverlay.Attention, 0)).Jpeg;
        Assert.Equal(W, ImageCodec.Decode(jpeg).Width);
    }

    [Fact]
    public void Learning_frames_count_and_show_no_threshold()
    {
        var (feed, _) = NewFeed();
        using (var f = Scored(0, learning: true)) feed.Observe(f, []);
        var view = feed.Camera("cam");
        Assert.True(view.Learning);
        Assert.Equal(1, view.LearningFrames);
        Assert.Null(view.Scores(0).Single().Threshold);
    }

    [Fact]
    public async Task Messages_go_to_the_timeline_newest_first_and_keep_the_open_event_until_its_end()
    {
        var (feed, _) = NewFeed();
        using var subscription = feed.Events.Subscribe();
        var first = Messages.Make(1);
        var second = Messages.Make(2);
        await feed.EmitAsync(first, CancellationToken.None);
        await feed.EmitAsync(second, CancellationToken.None);
        Assert.Equal([second.Id, first.Id], feed.Events.Messages().Select(m => m.Id));
        Assert.Equal([first.EventId, second.EventId], feed.Camera("cam").OpenEvents.Select(m => m.EventId));
        await feed.EmitAsync(first with { Type = AlertLifecycle.End, Id = first.EventId + ".2", Sequence = 2 }, CancellationToken.None);
        Assert.Equal([second.EventId], feed.Camera("cam").OpenEvents.Select(m => m.EventId));
        Assert.True(subscription.Reader.TryRead(out var m1) && m1.Id == first.Id);
        Assert.True(subscription.Reader.TryRead(out var m2) && m2.Id == second.Id);
    }

    [Fact]
    public async Task The_timeline_keeps_at_most_max_events()
    {
        var feed = new DashboardFeed(new DashboardOptions { MaxEvents = 10 }, new AlertingOptions(), null, new ManualClock());
        for (var i = 0; i < 25; i++) await feed.EmitAsync(Messages.Make(i), CancellationToken.None);
        var kept = feed.Events.Messages();
        Assert.Equal(10, kept.Count);
        Assert.Equal(Messages.Make(24).Id, kept[0].Id);
    }
}
