using Monitoring.Analysis;

namespace Monitoring.Tests.Analysis;

public sealed class ScoreSmootherTests
{
    [Fact]
    public void Averages_the_last_window_scores_causally()
    {
        var s = new ScoreSmoother(3);
        Assert.Equal(0.3f, s.Add(0.3f, restart: true), 6);
        Assert.Equal(0.2f, s.Add(0.1f, restart: false), 6);
        Assert.Equal(0.4f, s.Add(0.8f, restart: false), 6);
        // 0.3 leaves the window
        Assert.Equal(0.5f, s.Add(0.6f, restart: false), 6);
    }

    [Fact]
    public void A_restart_forgets_the_previous_run()
    {
        var s = new ScoreSmoother(4);
        for (var i = 0; i < 10; i++) s.Add(1f, restart: i == 0);
        Assert.Equal(0.2f, s.Add(0.2f, restart: true), 6);
        Assert.Equal(0.3f, s.Add(0.4f, restart: false), 6);
    }

    [Fact]
    public void Window_of_one_passes_scores_through()
    {
        var s = new ScoreSmoother(1);
        foreach (var v in new[] { 0.9f, 0.1f, 0.5f }) Assert.Equal(v, s.Add(v, restart: false));
    }

    [Fact]
    public void Stays_exact_over_a_long_run()
    {
        var s = new ScoreSmoother(5);
        var rng = new Random(3);
        var last = new Queue<float>();
        float got = 0;
        for (var i = 0; i < 100_003; i++)
        {
            var v = (float)rng.NextDouble();
            got = s.Add(v, restart: i == 0);
            last.Enqueue(v);
            if (last.Count > 5) last.Dequeue();
        }
        Assert.Equal(last.Average(), got, 5);
    }

    [Fact]
    public void Frame_window_counts_frames_since_its_start()
    {
        var w = new FrameWindow(2, 1, 1);
        w.Push([1], segment: 0);
        w.Push([2], segment: 0);
        w.Push([3], segment: 0);
        Assert.Equal(3, w.FramesSinceStart);
        w.Push([4], segment: 1);   // a reconnect: the window and the frame score start afresh
        Assert.Equal(1, w.FramesSinceStart);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("5", 5)]
    [InlineData("1", 1)]
    public void Model_score_window_comes_from_metadata(string? value, int expected)
    {
        var meta = new Dictionary<string, string>();
        if (value is not null) meta["score_window"] = value;
        Assert.Equal(expected, AnomalyModel.ReadScoreWindow(meta, "m.onnx"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("five")]
    [InlineData("2.5")]
    public void A_bad_score_window_names_the_model_and_the_key(string value)
    {
        var ex = Assert.Throws<ModelContractException>(() =>
            AnomalyModel.ReadScoreWindow(new Dictionary<string, string> { ["score_window"] = value }, "/m/a.onnx"));
        Assert.Contains("/m/a.onnx", ex.Message);
        Assert.Contains("score_window", ex.Message);
    }
}

public sealed class ClipRunnerFrameScoreTests
{
    [Fact]
    public void Clip_runner_hands_out_the_causal_mean_of_the_models_scores_per_clip()
    {
        using var model = AnomalyModel.Load(Path.Combine(TestSupport.OnnxTestPaths.RepoRoot, "models", "anomaly.onnx"),
            Monitoring.Inference.OnnxSessionOptions.Cpu);
        Assert.True(model.ScoreWindow > 1, "the bundled model averages its score over several frames (metadata score_window)");
        var clip = TestSupport.TestClips.VTest(3);
        // Two copies of the clip batched together: each keeps its own causal window and mean.
        var raw = new[] { new List<float>(), new List<float>() };
        var got = new[] { new List<float>(), new List<float>() };
        var profile = new ProfileBuilder(model);
        new ClipRunner(model, 4).Run([clip], null, (_, _, b, slot, _) => profile.Add(b.FeaturesOf(slot)));
        var built = profile.Build("cam", model, "test");
        new ClipRunner(model, 4).Run([clip, clip], built, (c, _, b, slot, frameScore) =>
        {
            raw[c].Add(b.Score[slot]);
            got[c].Add(frameScore);
        });
        Assert.InRange(raw[0].Count, 25, 35);
        Assert.Equal(raw[0], raw[1]);
        Assert.Contains(raw[0], s => s != raw[0][0]);
        for (var c = 0; c < 2; c++)
            for (var i = 0; i < raw[c].Count; i++)
            {
                var lo = Math.Max(0, i - model.ScoreWindow + 1);
                var expected = raw[c].Skip(lo).Take(i - lo + 1).Average();
                Assert.Equal(expected, got[c][i], 5);
            }
    }
}
