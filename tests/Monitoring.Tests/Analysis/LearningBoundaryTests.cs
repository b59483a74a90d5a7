using System.Text.Json;
using Xunit.Abstractions;

namespace Monitoring.Tests.Analysis;

/// <summary>
/// The frames of a camera that were added to a batch while it was still learning ran without a profile, even when an
/// earlier frame of the same batch completed the profile: they stay learning frames (no alert from their meaningless maps,
/// no score in the smoother). Before, a batched daemon raised an event right after auto-learning on ordinary footage.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LearningBoundaryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task No_alert_follows_auto_learning_on_ordinary_footage_when_frames_are_batched()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        // unpaced file: the analyser fills batches with several frames of the camera at once
        config.AddCamera("yard", TestPaths.RequireVTest(), analysisFps: 0, autoLearnFrames: 300);
        var (code, text) = await DaemonProcess.RunToExitAsync(["run", "--config", config.Write()], TimeSpan.FromMinutes(4), echo: output.WriteLine);
        Assert.Equal(0, code);
        Assert.Contains(text.Split('\n'), l => l.Contains("Camera yard: learned profile", StringComparison.Ordinal));
        Assert.Contains(text.Split('\n'), l => l.Contains("Pipeline stopped:", StringComparison.Ordinal) && !l.Contains("(mean batch 1.0,", StringComparison.Ordinal));
        // learning ends at frame 64 + 300 = 364 (the motion is measured over the first 64)
        var opened = File.Exists(config.JsonlPath)
            ? File.ReadAllLines(config.JsonlPath).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(m => m.GetProperty("type").GetString() == "new").Select(m => m.GetProperty("frameIndex").GetInt64()).ToList()
            : [];
        output.WriteLine($"new events at frames [{string.Join(", ", opened)}]");
        Assert.DoesNotContain(opened, f => f is >= 364 and < 390);
    }
}
