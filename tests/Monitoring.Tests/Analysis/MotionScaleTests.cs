using Monitoring.Analysis;

namespace Monitoring.Tests.Analysis;

public sealed class MotionScaleTests
{
    private const int W = 192, H = 128;

    /// <summary>A smooth textured scene (model size), shifted right by <paramref name="dx"/> pixels.</summary>
    private static byte[] Scene(double dx)
    {
        var g = new byte[W * H];
        for (var y = 0; y < H; y++)
            for (var x = 0; x < W; x++)
            {
                var u = x - dx;
                var v = 128 + 60 * Math.Sin(u / 2.5) * Math.Cos(y / 3.0) + 50 * Math.Sin((u + 2 * y) / 5.0);
                g[y * W + x] = (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        return g;
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Measures_how_far_the_scene_moved_between_two_frames(double shift)
    {
        var m = new MotionScale(W, H);
        for (var i = 0; i < MotionScale.MinMovingPairs + MotionScale.Lag; i++) m.Add(Scene(i * shift), run: 0);
        Assert.Equal(MotionScale.MinMovingPairs, m.Pairs);
        Assert.Equal(MotionScale.MinMovingPairs, m.MovingPairs);
        Assert.InRange(m.PixelsPerFrame!.Value, shift * 0.8, shift * 1.25);
    }

    [Theory]
    [InlineData(0.14, 3)]  // a scene 3x slower per analysed frame than the training footage (0.429 px)
    [InlineData(0.21, 2)]
    [InlineData(0.5, 1)]
    public void A_slow_scene_gets_the_stride_that_brings_it_to_the_models_motion(double shift, int stride)
    {
        var m = new MotionScale(W, H);
        for (var i = 0; i < MotionScale.FramesPerSource; i++) m.Add(Scene(i * shift), run: 0);
        Assert.InRange(m.PixelsPerFrame!.Value, shift * 0.8, shift * 1.25);
        var (k, why) = m.Decide(AnomalyModel.DefaultMotionReference);
        Assert.Equal(stride, k);
        Assert.EndsWith($"frame stride {stride}", why);
    }

    [Fact]
    public void Still_pairs_and_pairs_across_runs_do_not_count()
    {
        var m = new MotionScale(W, H);
        var still = Scene(0);
        for (var i = 0; i < 30; i++) m.Add(still, run: 0);
        Assert.Equal(30 - MotionScale.Lag, m.Pairs);
        Assert.Equal(0, m.MovingPairs);
        // a new run (another clip, a reconnect) is not the motion of the previous one
        for (var i = 0; i < MotionScale.Lag; i++) m.Add(Scene(40 + 10 * i), run: 1);
        Assert.Equal(30 - MotionScale.Lag, m.Pairs);
        Assert.Null(m.PixelsPerFrame);
        var (stride, why) = m.Decide(0.66f);
        Assert.Equal(1, stride);
        Assert.Contains("fewer than", why);
    }

    [Theory]
    [InlineData(0.66f, 1)]
    [InlineData(2.0f, 1)]    // faster than the training footage: a stride cannot slow it down
    [InlineData(0.33f, 2)]
    [InlineData(0.22f, 3)]
    [InlineData(0.16f, 4)]
    [InlineData(0.02f, 4)]   // at most MaxStride
    public void The_stride_brings_the_motion_nearest_the_models(float pixelsPerFrame, int expected) =>
        Assert.Equal(expected, MotionScale.StrideFor(pixelsPerFrame, 0.66f));

    [Fact]
    public void Sensor_noise_on_a_still_scene_is_not_motion()
    {
        // a still scene seen through noise (±6 grey levels per pixel): no pixel's 5x5 mean changes by 3 %, so no pair moves
        var m = new MotionScale(W, H);
        var rng = new Random(1);
        var scene = Scene(0);
        for (var i = 0; i < 40; i++)
        {
            var noisy = scene.Select(v => (byte)Math.Clamp(v + rng.Next(-6, 7), 0, 255)).ToArray();
            m.Add(noisy, run: 0);
        }
        Assert.Equal(40 - MotionScale.Lag, m.Pairs);
        Assert.Equal(0, m.MovingPairs);
        Assert.Equal(1, m.Decide(AnomalyModel.DefaultMotionReference).Stride);
    }

    [Fact]
    public void A_frame_of_the_wrong_size_is_refused_with_both_sizes()
    {
        var m = new MotionScale(W, H);
        var e = Assert.Throws<ArgumentException>(() => m.Add(new byte[10], 0));
        Assert.Contains("192x128", e.Message);
    }
}

public sealed class FrameStrideTests
{
    [Fact]
    public void A_window_at_stride_2_holds_every_second_frame_and_pads_until_it_spans_them()
    {
        var w = new FrameWindow(3, 1, 1, stride: 2);
        Assert.Equal(5, w.Span);
        var dst = new float[3];
        int[] Read() { w.CopyTo(dst); return dst.Select(v => (int)MathF.Round(v * 255)).ToArray(); }
        w.Push([10]);
        Assert.Equal([10, 10, 10], Read());
        w.Push([20]);
        w.Push([30]);
        Assert.Equal([10, 10, 30], Read());
        Assert.False(w.IsFull);
        w.Push([40]);
        w.Push([50]);
        Assert.True(w.IsFull);
        Assert.Equal([10, 30, 50], Read());
        w.Push([60]);
        Assert.Equal([20, 40, 60], Read());
        w.Push([70]);
        Assert.Equal([30, 50, 70], Read());
    }

    [Fact]
    public void Stride_1_is_the_window_as_before()
    {
        var w = new FrameWindow(3, 1, 1);
        Assert.Equal(3, w.Span);
        var dst = new float[3];
        foreach (var v in new byte[] { 1, 2, 3, 4 }) w.Push([v]);
        w.CopyTo(dst);
        Assert.Equal([2, 3, 4], dst.Select(v => (int)MathF.Round(v * 255)));
        Assert.True(w.IsFull);
    }

    [Fact]
    public void The_profile_keeps_its_stride_and_a_profile_from_before_the_stride_reads_as_stride_1()
    {
        using var dir = new TempDir();
        var b = new ProfileBuilder(1, 1, 2);
        b.Add([1f, 2f]);
        var p = new NormalityProfile
        {
            CameraId = "c", ModelSha256 = new string('a', 64), ModelVersion = "m", D = 1, CellsH = 1, CellsW = 2, Frames = 1,
            CreatedUtc = DateTimeOffset.UnixEpoch, Source = "s", Mean = [1f, 2f], Var = [0f, 0f],
            Calibration = b.Calibrate(null, 1, 0.001), FrameStride = 3, Motion = "motion: 0.220 px per analysed frame",
        };
        var path = dir.File("p.json");
        p.Save(path);
        var back = NormalityProfile.Load(path);
        Assert.Equal(3, back.FrameStride);
        Assert.Equal(p.Motion, back.Motion);

        var json = File.ReadAllText(path);
        File.WriteAllText(path, json.Replace("\"frameStride\": 3,", "").Replace("\"motion\": \"motion: 0.220 px per analysed frame\"", "\"motion\": null"));
        Assert.DoesNotContain("frameStride", File.ReadAllText(path));
        Assert.Equal(1, NormalityProfile.Load(path).FrameStride);

        File.WriteAllText(path, json.Replace("\"frameStride\": 3", "\"frameStride\": 9"));
        var e = Assert.Throws<ProfileException>(() => NormalityProfile.Load(path));
        Assert.Contains("frameStride 9", e.Message);
        Assert.Contains("monitoring learn --camera c", e.Message);
    }
}
