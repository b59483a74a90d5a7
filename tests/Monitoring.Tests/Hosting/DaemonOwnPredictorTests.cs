using Monitoring.Analysis;
using Xunit.Abstractions;

namespace Monitoring.Tests.Hosting;

/// <summary>
/// A camera learned with its own predictor (decision 0021) runs with it in the daemon beside a camera that runs the shared
/// model: their frames go to different sessions, every frame of both is analysed, and each says which predictor it runs.
/// </summary>
[Collection(DaemonCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DaemonOwnPredictorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_camera_with_its_own_predictor_and_one_with_the_models_run_side_by_side()
    {
        using var dir = new TempDir();
        var clip = TestClips.VTest(20);
        var config = new DaemonConfig(dir.Path);
        config.AddCamera("own", clip, analysisFps: 0, autoLearnFrames: 0);
        config.AddCamera("shared", clip, analysisFps: 0, autoLearnFrames: 0);
        var path = config.Write();
        foreach (var (camera, steps) in new[] { ("own", "60"), ("shared", "0") })
        {
            var (rc, text) = await DaemonProcess.RunToExitAsync(["learn", "--config", path, "--camera", camera, "--tune-steps", steps], TimeSpan.FromMinutes(3));
            Assert.True(rc == 0, text);
        }
        var own = NormalityProfile.Load(config.ProfilePath("own"));
        Assert.NotNull(own.Predictor);
        var shared = NormalityProfile.Load(config.ProfilePath("shared"));
        Assert.Null(shared.Predictor);
        // Both learned how a stream start reads (decision 0022), with or without tuning.
        Assert.NotNull(own.Calibration.WarmUp);
        Assert.NotNull(shared.Calibration.WarmUp);

        var (code, log) = await DaemonProcess.RunToExitAsync(["run", "--config", path], TimeSpan.FromMinutes(3), echo: output.WriteLine);
        Assert.Equal(0, code);
        var lines = log.Split('\n');
        Assert.Contains(lines, l => l.Contains("Camera own: profile", StringComparison.Ordinal) && l.Contains("its own predictor, model ", StringComparison.Ordinal)
                                    && l.Contains("+pred-", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Camera shared: profile", StringComparison.Ordinal) && l.Contains("the model's own predictor", StringComparison.Ordinal));
        // 200 frames each (20 s of the 10 fps clip), all analysed, in batches of one model each.
        Assert.Contains(lines, l => l.Contains("Pipeline stopped: 400 frames analysed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_camera_learning_by_itself_tunes_its_predictor_in_the_background_and_switches_to_it()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        var camera = config.AddCamera("yard", TestClips.VTest(30), analysisFps: 0, autoLearnFrames: 250, loop: true);
        camera["tuneSteps"] = 40;
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, null, output.WriteLine);
        await daemon.WaitForLineAsync("Camera yard: learned profile", TimeSpan.FromMinutes(2));
        await daemon.WaitForLineAsync("Camera yard: alerting with the model's own predictor while its own is tuned", TimeSpan.FromSeconds(10));
        var switched = await daemon.WaitForLineAsync("Camera yard: now runs its own predictor", TimeSpan.FromMinutes(2));
        Assert.Contains("predictor tuned on 250 frames: 40 steps", switched);
        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        // The saved profile is the tuned one: it carries the predictor, and a restart runs the camera with it.
        var profile = NormalityProfile.Load(config.ProfilePath("yard"));
        Assert.NotNull(profile.Predictor);
        Assert.NotNull(profile.Calibration.WarmUp);   // synthesised from the kept frames with the tuned predictor
        Assert.Contains("40 steps", profile.Tuning);
        using var again = DaemonProcess.Run(config.Write(), config.HttpPort, null, output.WriteLine);
        var loaded = await again.WaitForLineAsync("Camera yard: profile", TimeSpan.FromMinutes(1));
        Assert.Contains("its own predictor, model ", loaded);
        again.Terminate();
        Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
    [Fact]
    public async Task A_camera_learning_by_itself_without_tuning_learns_how_its_starts_read_in_the_background()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        var camera = config.AddCamera("yard", TestClips.VTest(30), analysisFps: 0, autoLearnFrames: 250, loop: true);
        camera["tuneSteps"] = 0;
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, null, output.WriteLine);
        var first = await daemon.WaitForLineAsync("Camera yard: learned profile", TimeSpan.FromMinutes(2));
        Assert.DoesNotContain("stream starts read on the real-past scale", first);   // the first profile, built in the analysis loop
        var second = await daemon.WaitForLineAsync("Camera yard: stream starts now read on its real-past scale", TimeSpan.FromMinutes(1));
        Assert.Contains("warm-up positions", second);
        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var profile = NormalityProfile.Load(config.ProfilePath("yard"));
        Assert.Null(profile.Predictor);
        Assert.NotNull(profile.Calibration.WarmUp);
        Assert.Equal(250, profile.Frames);
    }
}
