using Monitoring.Analysis;
using Monitoring.Inference;
using Monitoring.Tuning;

namespace Monitoring.Tests.Analysis;

/// <summary>A window with a padded past, put on the scale of the camera's real-past scores (decision 0022).</summary>
public sealed class WarmUpMapTests
{
    private static string ModelPath => Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");

    private static float[] Uniform(float lo, float hi) => Enumerable.Range(0, 101).Select(p => lo + (hi - lo) * p / 100f).ToArray();

    private static WarmUpMap Map() => new()
    {
        Reference = Uniform(0.05f, 0.10f),
        Positions = [Uniform(0.0f, 0.02f), Uniform(0.2f, 0.6f)],
        Samples = 256,
    };

    [Fact]
    public void A_padded_score_becomes_the_real_past_score_of_the_same_percentile()
    {
        var map = Map();
        Assert.Equal(0.075f, map.Map(0.4f, 2), 4);     // the padded median → the real median
        Assert.Equal(0.060f, map.Map(0.28f, 2), 4);    // the 20th percentile
        Assert.Equal(0.100f, map.Map(0.02f, 1), 4);    // the first frame's top → the real top
        Assert.Equal(0.050f, map.Map(0.1f, 2), 4);     // below every synthesised start: the real bottom
    }

    [Fact]
    public void A_start_busier_than_any_normal_start_keeps_its_excess_and_the_order_is_kept()
    {
        var map = Map();
        // Top deciles: padded 0.56–0.6, real 0.095–0.1, so an excess of 0.4 above the padded top is 0.05 above the real top.
        Assert.Equal(0.15f, map.Map(1.0f, 2), 4);
        var grid = Enumerable.Range(0, 400).Select(i => i / 200f).ToArray();
        var mapped = grid.Select(v => map.Map(v, 2)).ToArray();
        for (var i = 1; i < mapped.Length; i++) Assert.True(mapped[i] >= mapped[i - 1], $"{grid[i]}: {mapped[i]} < {mapped[i - 1]}");
    }

    [Fact]
    public void A_position_whose_starts_say_little_about_the_frame_is_drawn_towards_the_median()
    {
        var map = Map() with { Agreement = [1f, 0.5f] };
        Assert.Equal(0.0675f, map.Map(0.28f, 2), 4);   // the 20th percentile reads as the 35th
        Assert.Equal(0.075f, map.Map(0.4f, 2), 4);     // the median stays
        Assert.Equal(0.0875f, map.Map(0.6f, 2), 4);    // the top reads as the 75th percentile
        Assert.Equal(0.1375f, map.Map(1.0f, 2), 4);    // beyond it, the excess is kept
        Assert.Equal(0.060f, map.Map(0.004f, 1), 4);   // agreement 1: its own percentile
        Assert.Equal(0.075f, (Map() with { Agreement = [0f, 0f] }).Map(0.55f, 2), 4);
    }

    [Fact]
    public void The_rank_correlation_is_one_for_the_same_order_and_near_zero_for_none()
    {
        var rng = new Random(9);
        var x = Enumerable.Range(0, 500).Select(_ => (float)rng.NextDouble()).ToArray();
        Assert.Equal(1.0, WarmUpMap.RankCorrelation(x.Select(v => (v, MathF.Exp(3 * v))).ToList()), 6);   // monotone
        Assert.Equal(-1.0, WarmUpMap.RankCorrelation(x.Select(v => (v, -v)).ToList()), 6);
        Assert.InRange(WarmUpMap.RankCorrelation(x.Select(v => (v, (float)rng.NextDouble())).ToList()), -0.12, 0.12);
        Assert.Equal(0.0, WarmUpMap.RankCorrelation(x.Select(v => (v, 1f)).ToList()));   // no spread
    }

    [Fact]
    public void Windows_past_the_warm_up_and_profiles_without_a_map_keep_their_score()
    {
        var map = Map();
        Assert.Equal(0.4f, map.Map(0.4f, 3));    // the map has 2 positions
        Assert.Equal(0.4f, map.Map(0.4f, 0));
        Assert.True(float.IsNaN(map.Map(float.NaN, 2)));
        var calibration = new ProfileCalibration
        {
            FeatureScale = [1f], VarianceEps = 0, TargetFalseAlarmRate = 0.001, MapThreshold = 0.9f, Frames = 0, HeldOut = false,
            AlertingFrameRate = 0, ScoreQuantiles = [], ScoreTailMean = 0,
        };
        Assert.Equal(0.4f, calibration.WarmUpAdjusted(0.4f, 2));
        Assert.Equal(0.075f, (calibration with { WarmUp = map }).WarmUpAdjusted(0.4f, 2), 4);
    }

    [Fact]
    public void The_map_survives_saving_and_loading_the_profile()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var builder = new ProfileBuilder(model);
        var rng = new Random(3);
        for (var f = 0; f < 300; f++) builder.Add(Enumerable.Range(0, model.ProfileLength).Select(_ => (float)rng.NextDouble()).ToArray());
        for (var p = 1; p < model.T; p++)
            for (var i = 0; i < ProfileBuilder.MinWarmUpSamples; i++)
                builder.AddWarmUp(p, Enumerable.Range(0, model.ProfileLength).Select(_ => (float)(p * rng.NextDouble())).ToArray());
        var profile = builder.Build("cam", model, "synthetic");
        var path = Path.Combine(Path.GetTempPath(), $"warmup-{Guid.NewGuid():N}.json");
        try
        {
            profile.Save(path);
            var loaded = NormalityProfile.Load(path).Calibration.WarmUp;
            Assert.NotNull(loaded);
            Assert.Equal(model.T - 1, loaded.Positions.Length);
            Assert.Equal(profile.Calibration.WarmUp!.Positions[2], loaded.Positions[2]);
            Assert.Equal(profile.Calibration.WarmUp.Reference, loaded.Reference);
            Assert.Equal(ProfileBuilder.MinWarmUpSamples, loaded.Samples);
            // Windows added without the learned frame they end at: nothing to measure the agreement on, so none is drawn in.
            Assert.All(loaded.Agreement!, a => Assert.Equal(1f, a));
            Assert.Contains($"({model.T - 1} warm-up positions, {ProfileBuilder.MinWarmUpSamples} synthesised windows each, agreement 1.00 ", profile.Calibration.Describe());

            // A map that is not what learn writes is refused at load, naming the file and the fix, never met per frame.
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            json["calibration"]!["warmUp"]!["positions"]![1] = null;
            File.WriteAllText(path, json.ToJsonString());
            var e = Assert.Throws<ProfileException>(() => NormalityProfile.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("calibration.warmUp", e.Message);
            Assert.Contains("monitoring learn --camera cam", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Too_few_synthesised_windows_at_a_position_make_no_map()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var builder = new ProfileBuilder(model);
        var rng = new Random(5);
        float[] Frame() => Enumerable.Range(0, model.ProfileLength).Select(_ => (float)rng.NextDouble()).ToArray();
        for (var f = 0; f < 300; f++) builder.Add(Frame());
        for (var p = 1; p < model.T; p++)
            for (var i = 0; i < (p == 2 ? ProfileBuilder.MinWarmUpSamples - 1 : ProfileBuilder.MinWarmUpSamples); i++) builder.AddWarmUp(p, Frame());
        Assert.Null(builder.Build("cam", model, "synthetic").Calibration.WarmUp);
    }

    /// <summary>
    /// The start spike on real footage: learned from ped2's first training clips, the second frame after a start of another
    /// clip of the same walkway scores far above the camera's real-past scores; mapped, it reads as a normal frame.
    /// </summary>
    [RequiresSharedDataFact("ped2/training/01")]
    [Trait("Category", "Integration")]   // real footage and the model, ~15 s
    public void On_real_footage_a_starts_second_frame_spikes_and_the_map_reads_it_as_normal()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var learned = new[] { "01", "02", "03" }.Select(c => Path.Combine(TestPaths.Ped2, "training", c, "%03d.jpg")).ToList();
        var learner = new ProfileLearner(model, 8) { FrameStride = 1, Tuning = new TuningOptions(Steps: 0) };
        var profile = learner.Learn(learned, "walkway", "test").Profile;
        var map = profile.Calibration.WarmUp;
        Assert.NotNull(map);
        Assert.Equal(model.T - 1, map.Positions.Length);
        // A start's first frames say less about the frame than its later ones (the first window has no motion at all).
        Assert.NotNull(map.Agreement);
        Assert.All(map.Agreement, a => Assert.InRange(a, 0f, 1f));
        Assert.True(map.Agreement[0] < map.Agreement[^1], string.Join(" ", map.Agreement));

        // Unseen clips of the same scene, started at several frames each: the raw score of each start's second frame.
        var unseen = new ClipRunner(model, 8).Collect(
            new[] { "04", "05", "06", "07" }.Select(c => Path.Combine(TestPaths.Ped2, "training", c, "%03d.jpg")).ToList(), 10_000, out _);
        using var batch = model.CreateBatch(1);
        float Score(FrameWindow w)
        {
            batch.Clear();
            batch.Add(w, profile);
            model.Run(batch);
            return batch.Score[0];
        }
        var window = model.CreateWindow();
        var raw = new List<float>();
        foreach (var frames in unseen)
            for (var start = 0; start + 1 < frames.Count; start += 20)
            {
                window.Reset();
                for (var f = start; f <= start + 1; f++) window.Push(frames[f]);
                raw.Add(Score(window));
            }
        // The same clips' windows with a real past: what a normal frame of this camera scores.
        var real = new List<float>();
        foreach (var frames in unseen)
        {
            window.Reset();
            for (var f = 0; f < frames.Count; f++)
            {
                window.Push(frames[f]);
                if (window.IsFull && f % 4 == 0) real.Add(Score(window));
            }
        }
        real.Sort();
        float Median(IEnumerable<float> v) => v.Order().ElementAt(v.Count() / 2);
        float low = real[real.Count / 20], high = real[real.Count * 19 / 20], typical = Median(real);
        var rawMedian = Median(raw);
        var mappedMedian = Median(raw.Select(v => map.Map(v, 2)));
        Assert.True(rawMedian > high, $"the spike: raw second-frame median {rawMedian} is not above the real-past 95th percentile {high}");
        Assert.InRange(mappedMedian, low, high);
        Assert.True(Math.Abs(mappedMedian - typical) < Math.Abs(rawMedian - typical) / 3, $"mapped {mappedMedian}, raw {rawMedian}, typical {typical}");
    }
    /// <summary>
    /// <c>eval</c>'s runner (as the analyser) feeds a padded window's score through the profile's map before the frame
    /// score's mean, and only while the past is padding: a map that sends every padded score to 0.5 shows in the first
    /// T − 1 frame scores exactly, and not after them.
    /// </summary>
    [RequiresSharedDataFact("ped2/training/01")]
    [Trait("Category", "Integration")]   // real footage and the model, ~5 s
    public void The_clip_runner_scores_padded_windows_through_the_map_and_only_those()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var clip = Path.Combine(TestPaths.Ped2, "training", "01", "%03d.jpg");
        var runs = new ClipRunner(model, 8).Collect([clip], 40, out _);
        var builder = new ProfileBuilder(model);
        new ClipRunner(model, 8).RunFrames(runs, null, (run, _, batch, slot, _) => builder.Add(batch.FeaturesOf(slot), run));
        var learned = builder.Build("walkway", model, "test");
        var flat = new WarmUpMap
        {
            Reference = Enumerable.Repeat(0.5f, 101).ToArray(),
            Positions = Enumerable.Range(0, model.T - 1).Select(_ => Uniform(-1000f, 1000f)).ToArray(),
            Samples = 32,
        };
        float[] FrameScores(NormalityProfile profile)
        {
            var scores = new float[runs[0].Count];
            new ClipRunner(model, 8).RunFrames(runs, profile, (_, frame, _, _, score) => scores[frame] = score);
            return scores;
        }
        NormalityProfile With(WarmUpMap? map) => new()
        {
            CameraId = learned.CameraId, ModelSha256 = learned.ModelSha256, ModelVersion = learned.ModelVersion, D = learned.D,
            CellsH = learned.CellsH, CellsW = learned.CellsW, Frames = learned.Frames, CreatedUtc = learned.CreatedUtc,
            Source = learned.Source, Mean = learned.Mean, Var = learned.Var, FrameStride = learned.FrameStride,
            Calibration = learned.Calibration with { WarmUp = map },
        };
        var plain = FrameScores(With(null));
        var mapped = FrameScores(With(flat));
        int warm = model.T - 1, window = model.ScoreWindow;
        Assert.True(window > warm, "the check below needs the score window to reach past the warm-up");
        for (var f = 0; f < warm; f++) Assert.Equal(0.5f, mapped[f], 5);
        Assert.NotEqual(0.5f, plain[1], 3);
        // Frame T − 1 has a real past: its own score enters the average as it is, beside the mapped ones (the frame scores
        // are the profile's exponential mean, so its own score follows from two consecutive ones).
        Assert.Equal(ScoreSmoothing.Exponential, learned.Calibration.Smoothing);
        var alpha = 2f / (window + 1);
        var own = (plain[warm] - (1 - alpha) * plain[warm - 1]) / alpha;
        Assert.Equal(alpha * own + (1 - alpha) * 0.5f, mapped[warm], 4);
    }
}
