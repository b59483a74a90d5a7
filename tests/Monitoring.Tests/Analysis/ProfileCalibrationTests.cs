using Monitoring.Analysis;
using Monitoring.Inference;

namespace Monitoring.Tests.Analysis;

/// <summary>The per-camera calibration that learning derives (decision 0014), on the committed model's head.</summary>
public sealed class ProfileCalibrationTests
{
    private static string ModelPath => Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");

    [Fact]
    public void The_upper_tail_of_an_exponential_sample_reaches_rates_below_one_in_the_sample_size()
    {
        var rng = new Random(7);
        var sample = Enumerable.Range(0, 2000).Select(_ => (float)-Math.Log(1 - rng.NextDouble())).ToArray(); // Exp(1)
        // P(X > x) = e^-x: the 1e-3 point is ln 1000 = 6.91, the 1e-5 point 11.5 (beyond any of 2,000 draws).
        Assert.InRange(ProfileBuilder.UpperTail(sample, 1e-3), 6.0, 8.0);
        Assert.InRange(ProfileBuilder.UpperTail(sample, 1e-5), 10.0, 13.5);
        // Never below the sample's own point: at most rate·n values exceed it.
        foreach (var rate in new[] { 0.01, 0.05, 0.2 })
            Assert.True(sample.Count(v => v >= ProfileBuilder.UpperTail(sample, rate)) <= rate * sample.Length, $"rate {rate}");
    }

    [Fact]
    public void Learning_derives_a_threshold_that_unseen_normal_frames_of_the_same_camera_rarely_reach()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var head = model.Head!;
        int len = model.ProfileLength, cells = model.Cells;
        // A camera whose features have a per-cell mean and a spread of 3 in channel 0 (the model's units are 1):
        // Gaussian frames, 5 runs of 200.
        var rng = new Random(11);
        var cellMean = Enumerable.Range(0, len).Select(_ => rng.NextDouble()).ToArray();
        float[] Frame() => Enumerable.Range(0, len).Select(i => (float)(cellMean[i] + (i < cells ? 3 : 1) * Gaussian(rng))).ToArray();
        var builder = new ProfileBuilder(model);
        for (var run = 0; run < 5; run++)
            for (var f = 0; f < 200; f++) builder.Add(Frame(), run);
        // Target 0.1: the threshold aims at a tenth of it (ProfileCalibration.SafetyFactor), so about 1 % of fresh frames.
        var profile = builder.Build("cam", model, "synthetic", 0.1);
        var cal = profile.Calibration;
        Assert.True(cal.HeldOut);
        Assert.Equal(1000 - 5 * (model.T - 1), cal.Frames);
        Assert.InRange(cal.FeatureScale[0], 2.8f, 3.3f);
        Assert.InRange(cal.FeatureScale[1], 0.9f, 1.2f);
        Assert.InRange(cal.AlertingFrameRate, 0, 0.1 / ProfileCalibration.SafetyFactor);

        // Fresh frames of the same camera, scored by the graph's head with the fed variance: about 1 % reach it (well
        // within the target, and not so conservative that nothing does).
        var mean = profile.Mean.Select(v => (double)v).ToArray();
        var fed = profile.FedVar.Select(v => (double)v).ToArray();
        var s = new float[cells];
        var alerting = 0;
        const int fresh = 4000;
        for (var i = 0; i < fresh; i++)
        {
            head.Distances(Frame(), mean, fed, s);
            if (head.Map(s.Max()) >= cal.MapThreshold) alerting++;
        }
        Assert.InRange(alerting / (double)fresh, 0.001, 0.03);
        // The frame score read as a tail probability: the median normal score is about one in two.
        Assert.InRange(cal.TailProbability(cal.ScoreQuantiles[50]), 0.45, 0.55);
        Assert.True(cal.TailProbability(cal.ScoreQuantiles[100] * 2) < 0.01);
    }

    /// <summary>
    /// The frame tail threshold by the map threshold's rule (decision 0022): when one stretch of the learned footage has
    /// bursts the rest has not (a busier hour), the threshold holds for footage like that stretch, where the pooled
    /// target alone does not.
    /// </summary>
    [Fact]
    public void The_frame_tail_threshold_holds_for_the_busiest_fifth_of_the_learned_footage()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var head = model.Head!;
        int len = model.ProfileLength, cells = model.Cells;
        var rng = new Random(21);
        var cellMean = Enumerable.Range(0, len).Select(_ => rng.NextDouble()).ToArray();
        float[] Frame(double spread) => Enumerable.Range(0, len).Select(i => (float)(cellMean[i] + spread * Gaussian(rng))).ToArray();
        // A stretch with bursts: every 50 frames, 8 frames at a wider spread.
        float[] Bursty(int f) => Frame(f % 50 < 8 ? Burst : 1);
        NormalityProfile Learn(bool bursts)
        {
            var builder = new ProfileBuilder(model);
            for (var run = 0; run < 5; run++)
                for (var f = 0; f < 400; f++) builder.Add(run == 2 && bursts ? Bursty(f) : Frame(1), run);
            return builder.Build("cam", model, "synthetic", 0.1);   // target 0.1: the frame tail aims at 0.01
        }
        // The share of fresh frames, scored as the daemon scores them (the profile's 5-frame average), whose tail probability reaches the threshold.
        double Alerting(NormalityProfile profile, Func<int, float[]> frame, double threshold)
        {
            var mean = profile.Mean.Select(v => (double)v).ToArray();
            var fed = profile.FedVar.Select(v => (double)v).ToArray();
            var s = new float[cells];
            var smoother = new ScoreSmoother(5, profile.Calibration.Smoothing);
            var alerting = 0;
            const int fresh = 5000;
            for (var i = 0; i < fresh + 4; i++)
            {
                head.Distances(frame(i), mean, fed, s);
                var score = smoother.Add(head.Score(s), i == 0);
                if (i >= 4 && profile.Calibration.TailProbability(score) <= threshold) alerting++;
            }
            return alerting / (double)fresh;
        }

        var even = Learn(false);
        Assert.NotNull(even.Calibration.FrameTail);
        Assert.InRange(even.Calibration.FrameTailThreshold!.Value, 0.001, 0.01);   // at most the target over the safety factor
        Assert.InRange(Alerting(even, _ => Frame(1), even.Calibration.FrameTailThreshold!.Value), 0, 0.01);

        var uneven = Learn(true);
        var derived = uneven.Calibration.FrameTailThreshold!.Value;
        var atTarget = Alerting(uneven, Bursty, 0.01);
        var atDerived = Alerting(uneven, Bursty, derived);
        // The pooled target lets about three times its rate through on footage like the bursty stretch; the derived one holds.
        Assert.True(atTarget > 0.02, $"bursty frames at the pooled target: {atTarget}");
        Assert.InRange(atDerived, 0, 0.01);
    }

    private const double Burst = 1.6;

    [Fact]
    public void Too_few_frames_fall_back_to_the_default_threshold_and_say_so()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var builder = new ProfileBuilder(model);
        var rng = new Random(3);
        for (var f = 0; f < 40; f++) builder.Add(Enumerable.Range(0, model.ProfileLength).Select(_ => (float)Gaussian(rng)).ToArray());
        var cal = builder.Build("cam", model, "synthetic").Calibration;
        Assert.False(cal.HeldOut);
        // the model's own default (metadata default_threshold; v8: 0.95), not the 0.9 of models that name none
        Assert.Equal(model.Head!.DefaultThreshold, cal.MapThreshold);
        Assert.Contains($"needs {ProfileCalibration.MinHeldOutFrames}", cal.Describe());
    }

    [Fact]
    public void A_profile_of_the_format_before_calibration_is_refused_with_the_command_to_learn_it_again()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "gate.profile.json");
        File.WriteAllText(path, """{ "format": 1, "cameraId": "gate", "modelSha256": "00", "modelVersion": "m", "d": 1, "cellsH": 1, "cellsW": 1, "frames": 1, "createdUtc": "2026-01-01T00:00:00Z", "source": "s", "mean": "AAAAAA==", "var": "AAAAAA==" }""");
        var e = Assert.Throws<ProfileException>(() => NormalityProfile.Load(path));
        Assert.Contains("monitoring learn --camera gate", e.Message);
        Assert.Contains("before per-camera calibration", e.Message);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
