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
    public void Exponential_mean_weighs_the_newest_score_by_two_over_window_plus_one()
    {
        var s = new ScoreSmoother(5, ScoreSmoothing.Exponential);
        Assert.Equal(5, s.Window);
        Assert.Equal(0.3f, s.Add(0.3f, restart: true), 6);            // the first score starts the average
        Assert.Equal(0.3f + (0.9f - 0.3f) / 3, s.Add(0.9f, restart: false), 6);
        var before = 0.3 + (0.9 - 0.3) / 3;
        Assert.Equal((float)(before + (0.0 - before) / 3), s.Add(0f, restart: false), 6);
        // A restart forgets the run, as the plain mean does.
        Assert.Equal(0.7f, s.Add(0.7f, restart: true), 6);
    }

    [Fact]
    public void Exponential_mean_has_the_plain_means_lag()
    {
        // The mean age of the weights: (W − 1) / 2 frames for both, so alerts come as late (decision 0023).
        const int window = 5;
        var s = new ScoreSmoother(window, ScoreSmoothing.Exponential);
        s.Add(0f, restart: true);
        for (var i = 0; i < 200; i++) s.Add(0f, restart: false);
        var impulse = new List<float> { s.Add(1f, restart: false) };
        for (var i = 0; i < 400; i++) impulse.Add(s.Add(0f, restart: false));
        var lag = impulse.Select((w, age) => w * (double)age).Sum() / impulse.Sum(w => (double)w);
        Assert.Equal((window - 1) / 2.0, lag, 3);
        Assert.Equal(1.0, impulse.Sum(w => (double)w), 3);
    }

    [Fact]
    public void Exponential_mean_is_not_poisoned_by_a_score_that_is_not_a_number()
    {
        var s = new ScoreSmoother(5, ScoreSmoothing.Exponential);
        s.Add(0.2f, restart: true);
        Assert.True(float.IsNaN(s.Add(float.NaN, restart: false)));
        // Months of frames follow: the average goes on from where it was.
        Assert.Equal(0.2f, s.Add(0.2f, restart: false), 6);
        Assert.True(float.IsPositiveInfinity(s.Add(float.PositiveInfinity, restart: false)));
        Assert.Equal(0.2f, s.Add(0.2f, restart: false), 6);
    }

    [Fact]
    public void Exponential_mean_stays_exact_over_a_long_run()
    {
        var s = new ScoreSmoother(5, ScoreSmoothing.Exponential);
        var rng = new Random(3);
        double reference = 0;
        float got = 0;
        for (var i = 0; i < 100_003; i++)
        {
            var v = (float)rng.NextDouble();
            got = s.Add(v, restart: i == 0);
            reference = i == 0 ? v : reference + (v - reference) / 3;
        }
        Assert.Equal(reference, got, 5);
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
    public void Clip_runner_hands_out_the_profiles_causal_average_of_the_models_scores_per_clip()
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
        // A profile learned now is calibrated on the exponential mean; one learned before it on the plain mean.
        Assert.Equal(ScoreSmoothing.Exponential, built.Calibration.ScoreSmoothing);
        // The same profile as a file learned before decision 0023 holds it: no scoreSmoothing.
        var path = Path.Combine(Path.GetTempPath(), $"smoothing-{Guid.NewGuid():N}.json");
        NormalityProfile older;
        try
        {
            built.Save(path);
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal("exponential", json["calibration"]!["scoreSmoothing"]!.GetValue<string>());
            // A value this build does not know is refused at load, naming the file and the fix.
            json["calibration"]!["scoreSmoothing"] = "median";
            File.WriteAllText(path, json.ToJsonString());
            var e = Assert.Throws<ProfileException>(() => NormalityProfile.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("learn it again: monitoring learn --camera", e.Message);
            json["calibration"]!["scoreSmoothing"] = 7;   // the converter reads numbers too
            File.WriteAllText(path, json.ToJsonString());
            e = Assert.Throws<ProfileException>(() => NormalityProfile.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("calibration.scoreSmoothing 7", e.Message);
            Assert.Contains("monitoring learn --camera cam --config CONFIG", e.Message);
            json["calibration"]!.AsObject().Remove("scoreSmoothing");
            File.WriteAllText(path, json.ToJsonString());
            older = NormalityProfile.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Null(older.Calibration.ScoreSmoothing);
        Assert.Equal(ScoreSmoothing.Mean, model.CreateScoreSmoother(older).Smoothing);
        Assert.Contains("frame score a plain mean", older.Calibration.Describe());
        Assert.Contains("frame score an exponential mean", built.Calibration.Describe());
        foreach (var p in new[] { built, older })
        {
            foreach (var list in raw.Concat(got)) list.Clear();
            new ClipRunner(model, 4).Run([clip, clip], p, (c, _, b, slot, frameScore) =>
            {
                raw[c].Add(b.Score[slot]);
                got[c].Add(frameScore);
            });
            Assert.InRange(raw[0].Count, 25, 35);
            Assert.Equal(raw[0], raw[1]);
            Assert.Contains(raw[0], s => s != raw[0][0]);
            for (var c = 0; c < 2; c++)
            {
                double ema = 0;
                for (var i = 0; i < raw[c].Count; i++)
                {
                    var lo = Math.Max(0, i - model.ScoreWindow + 1);
                    ema = i == 0 ? raw[c][i] : ema + 2.0 / (model.ScoreWindow + 1) * (raw[c][i] - ema);
                    var expected = p == built ? ema : raw[c].Skip(lo).Take(i - lo + 1).Average();
                    Assert.Equal(expected, got[c][i], 5);
                }
            }
        }
    }
}

/// <summary>
/// The training tools choose models on a Python replica of the frame score (<c>montrain.scoring.smooth_scores</c>); it
/// must average as the daemon does, for both kinds of profile.
/// </summary>
[Trait("Category", "Integration")]   // runs python3 -m montrain.scoring
public sealed class ScoreSmootherReplicaTests
{
    [RequiresTrainingToolsFact]
    public void The_python_replica_averages_as_the_daemon_does_for_profiles_learned_now() => Check(ScoreSmoothing.Exponential, "exponential");

    [RequiresTrainingToolsFact]
    public void The_python_replica_averages_as_the_daemon_does_for_older_profiles() => Check(ScoreSmoothing.Mean, "mean");

    private static void Check(ScoreSmoothing smoothing, string name)
    {
        var rng = new Random(11);
        var scores = Enumerable.Range(0, 40).Select(_ => (float)rng.NextDouble()).ToArray();
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var (exitCode, stdout, stderr) = TestSupport.TrainingModule.Run("montrain.scoring",
            new[] { "5", name }.Concat(scores.Select(s => s.ToString("R", c))));
        Assert.True(exitCode == 0, stderr);
        var replica = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l, c)).ToArray();
        float[] Daemon(ScoreSmoothing kind)
        {
            var smoother = new ScoreSmoother(5, kind);
            return scores.Select((s, i) => smoother.Add(s, restart: i == 0)).ToArray();
        }
        var daemon = Daemon(smoothing);
        Assert.Equal(scores.Length, replica.Length);
        for (var i = 0; i < scores.Length; i++) Assert.Equal(daemon[i], replica[i], 5);
        // The other kind differs on these scores, so the check tells the two apart.
        var other = Daemon(smoothing == ScoreSmoothing.Mean ? ScoreSmoothing.Exponential : ScoreSmoothing.Mean);
        Assert.Contains(Enumerable.Range(0, scores.Length), i => Math.Abs(other[i] - replica[i]) > 1e-3);
    }
}
