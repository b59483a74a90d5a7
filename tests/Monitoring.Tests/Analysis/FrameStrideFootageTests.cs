using System.Text.Json;
using Monitoring.Analysis;
using Monitoring.Cli;
using Xunit.Abstractions;

namespace Monitoring.Tests.Analysis;

/// <summary>
/// The frame stride chosen from real footage (decision 0017): vtest.avi as recorded moves faster than the model's training
/// footage (stride 1); the same scene slowed six times by ffmpeg's motion-compensated interpolation moves a sixth as far
/// per frame, and learning feeds the model every second frame.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FrameStrideFootageTests(ITestOutputHelper output)
{
    private static string Config(TempDir dir, string url) =>
        DaemonProcess.WriteConfig(dir.File("c.json"), JsonNode(url, dir.File("cam.profile.json")));

    private static System.Text.Json.Nodes.JsonNode JsonNode(string url, string profile) => System.Text.Json.Nodes.JsonNode.Parse($$"""
        { "model": { "path": {{JsonSerializer.Serialize(Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx"))}}, "provider": "cpu" },
          "cameras": [ { "id": "cam", "url": {{JsonSerializer.Serialize(url)}}, "analysisFps": 0, "profile": {{JsonSerializer.Serialize(profile)}} } ] }
        """)!;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(6, 2)]
    public async Task Learn_feeds_a_slowed_scene_frames_further_apart(int slowdown, int stride)
    {
        using var dir = new TempDir();
        var clip = slowdown == 1 ? TestClips.VTest(17) : TestClips.VTestSlow(3, slowdown);
        var stderr = new StringWriter();
        var rc = await Program.RunAsync(["learn", "--config", Config(dir, clip), "--camera", "cam", "--tune-steps", "0"], new StringWriter(), stderr);
        Assert.True(rc == 0, stderr.ToString());
        var profile = NormalityProfile.Load(dir.File("cam.profile.json"));
        output.WriteLine(profile.Motion);
        Assert.Equal(stride, profile.FrameStride);
        Assert.Matches($@"^motion: \d\.\d{{3}} px per analysed frame \(\d+ of \d+ pairs moving\), the model's 0\.429; frame stride {stride}$", profile.Motion);
    }

    [Fact]
    public async Task The_daemon_measures_the_motion_before_it_learns_and_learns_at_that_stride()
    {
        using var dir = new TempDir();
        var config = JsonNode(TestClips.VTestSlow(6, 6), dir.File("cam.profile.json"));
        config["cameras"]![0]!["autoLearnFrames"] = ProfileCalibration.MinHeldOutFrames;
        var path = DaemonProcess.WriteConfig(dir.File("c.json"), config);
        var (code, text) = await DaemonProcess.RunToExitAsync(["run", "--config", path], TimeSpan.FromMinutes(4), echo: output.WriteLine);
        Assert.Equal(0, code);
        var lines = text.Split('\n');
        var measured = Array.FindIndex(lines, l => l.Contains("Camera cam: motion: ", StringComparison.Ordinal));
        var learned = Array.FindIndex(lines, l => l.Contains("Camera cam: learned profile ", StringComparison.Ordinal));
        Assert.True(measured >= 0, "no motion line");
        Assert.Contains("frame stride 2", lines[measured]);
        Assert.True(learned > measured, "the profile was not learned after the motion was measured");
        Assert.Contains("at frame stride 2", lines[learned]);
        var profile = NormalityProfile.Load(dir.File("cam.profile.json"));
        Assert.Equal(2, profile.FrameStride);
        Assert.Equal(ProfileCalibration.MinHeldOutFrames, profile.Frames);
        Assert.True(profile.Calibration.HeldOut);
    }
}
