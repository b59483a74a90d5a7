using Monitoring.Analysis;
using Monitoring.Capture;

namespace Monitoring.Tests.Analysis;

public sealed class FrameWindowTests
{
    [Fact]
    public void Pads_with_the_first_frame_then_keeps_the_last_T_oldest_first()
    {
        var w = new FrameWindow(3, 1, 2);
        var dst = new float[6];
        w.Push([51, 51]);
        w.CopyTo(dst);
        Assert.All(dst, v => Assert.Equal(0.2f, v, 5));
        w.Push([102, 102]);
        w.Push([153, 153]);
        w.Push([204, 204]);
        w.CopyTo(dst);
        Assert.Equal([0.4f, 0.4f, 0.6f, 0.6f, 0.8f, 0.8f], dst.Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void Rejects_a_frame_of_the_wrong_size()
    {
        var w = new FrameWindow(2, 2, 2);
        Assert.Throws<ArgumentException>(() => w.Push(new byte[3]));
    }

    [Theory]
    [InlineData(25.0, 10.0, 250, 100)]
    [InlineData(10.0, 10.0, 100, 100)]
    [InlineData(30.0, 5.0, 300, 50)]
    [InlineData(10.0, 0.0, 100, 100)]
    public void Sampler_analyses_at_the_configured_rate(double sourceFps, double analysisFps, int frames, int expected)
    {
        var s = new FrameSampler(analysisFps);
        var n = Enumerable.Range(0, frames).Count(i => s.ShouldAnalyse(i / sourceFps));
        Assert.InRange(n, expected - 1, expected + 1);
    }

    [Fact]
    public void Profile_builder_gives_population_statistics_and_profiles_round_trip()
    {
        var b = new ProfileBuilder(1, 1, 2);
        b.Add([1f, 10f]);
        b.Add([3f, 10f]);
        b.Add([5f, 10f]);
        Assert.Equal(3, b.Count);
        var (mean, var) = b.Statistics();
        Assert.Equal([3f, 10f], mean);
        Assert.Equal(8f / 3f, var[0], 5);
        Assert.Equal(0f, var[1]);
        var p = new NormalityProfile
        {
            CameraId = "c", ModelSha256 = new string('a', 64), ModelVersion = "m", D = 1, CellsH = 1, CellsW = 2, Frames = 3,
            CreatedUtc = DateTimeOffset.UnixEpoch, Source = "s", Mean = [3f, 10f], Var = [8f / 3f, 0f],
            Calibration = b.Calibrate(null, 1, 0.001),
        };
        var path = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        try
        {
            p.Save(path);
            var back = NormalityProfile.Load(path);
            Assert.Equal(p.Mean, back.Mean);
            Assert.Equal(p.Var, back.Var);
            Assert.Equal(p.Version, back.Version);
            Assert.Equal(p.Calibration.FeatureScale, back.Calibration.FeatureScale);
            Assert.Equal(p.Calibration.MapThreshold, back.Calibration.MapThreshold);
            File.WriteAllText(path, "{ not json");
            var e = Assert.Throws<ProfileException>(() => NormalityProfile.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public sealed class FrameWindowSegmentTests
{
    [Fact]
    public void A_new_segment_forgets_the_frames_before_the_gap()
    {
        var w = new FrameWindow(3, 1, 1);
        var dst = new float[3];
        w.Push([10], 1);
        w.Push([20], 1);
        w.Push([30], 1);
        w.CopyTo(dst);
        Assert.Equal([10, 20, 30], dst.Select(v => (int)MathF.Round(v * 255)));
        w.Push([200], 2); // reconnected: the past is padded with the first new frame, as at a clip start
        w.CopyTo(dst);
        Assert.Equal([200, 200, 200], dst.Select(v => (int)MathF.Round(v * 255)));
        w.Push([210], 2);
        w.CopyTo(dst);
        Assert.Equal([200, 200, 210], dst.Select(v => (int)MathF.Round(v * 255)));
    }
}
