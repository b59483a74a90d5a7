using Monitoring.Analysis;
using Monitoring.Inference;
using Monitoring.Tuning;

namespace Monitoring.Tests.Analysis;

/// <summary>What <c>learn</c> and <c>eval</c> share: footage read once into memory, the predictor tuned on it, the profile learned with it.</summary>
[Trait("Category", "Integration")]   // libtorch training and real footage, ~20 s
public sealed class ProfileLearnerTests
{
    private static string ModelPath => Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");

    [RequiresSharedDataFact("ped2/training/01")]
    public void Recorded_footage_longer_than_memory_holds_is_tuned_on_its_start_and_learned_in_full()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var clips = new[] { "01", "02" }.Select(c => Path.Combine(TestPaths.Ped2, "training", c, "%03d.jpg")).ToList();
        var phases = new HashSet<string>();
        var learner = new ProfileLearner(model, 8) { FrameStride = 1, MaxFrames = 50, Tuning = new TuningOptions(Steps: 20) };
        var result = learner.Learn(clips, "walkway", "test", (phase, _, _) => phases.Add(phase));
        try
        {
            Assert.False(result.Truncated);
            var frames = new[] { "01", "02" }.Sum(c => Directory.GetFiles(Path.Combine(TestPaths.Ped2, "training", c), "*.jpg").Length);
            Assert.Equal(frames, result.Profile.Frames);              // every frame of both clips learned, not the 50 kept
            Assert.StartsWith("predictor tuned on 50 frames: 20 steps", result.Profile.Tuning);
            Assert.NotNull(result.Profile.Predictor);
            Assert.NotSame(model, result.Model);
            Assert.Contains("read", phases);
            Assert.Contains("tune", phases);
            Assert.Contains("learn", phases);
        }
        finally
        {
            result.Model.Dispose();
        }
    }

    [RequiresSharedDataFact("ped2/training/01")]
    public void A_live_read_that_ends_early_learns_what_it_read_and_without_tuning_runs_the_models_own_predictor()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var clip = Path.Combine(TestPaths.Ped2, "training", "01", "%03d.jpg");
        using var live = new CancellationTokenSource();   // never fires: the cap ends the read
        var learner = new ProfileLearner(model, 8) { FrameStride = 1, MaxFrames = 60, Tuning = new TuningOptions(Steps: 0) };
        var result = learner.Learn([clip], "walkway", "test", readUntil: live.Token);
        Assert.True(result.Truncated);
        Assert.Equal(60, result.Profile.Frames);
        Assert.Null(result.Profile.Predictor);
        Assert.Null(result.Profile.Tuning);
        Assert.Same(model, result.Model);
    }
}
