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
