using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Monitoring.Tests.Alerting;

/// <summary>
/// Frame-score alerts on real footage (decision 0020). In vtest.avi two people cross the near lawn (source frames
/// 506–659), where nothing moves in the frames the camera learns. No cell of v7's map reaches the camera's derived map
/// threshold there, but the frame score is improbable for the camera: the daemon alerts from it, on the lawn, and on nothing
/// else of the clip. The same camera with frame-score alerts turned off raises nothing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FrameScoreAlertTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_lawn_crossing_in_vtest_raises_one_event_from_the_frame_score_and_nothing_with_the_path_off()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        var video = TestPaths.RequireVTest();
        config.AddCamera("lawn", video, analysisFps: 0, autoLearnFrames: 300);
        config.AddCamera("off", video, analysisFps: 0, autoLearnFrames: 300);
        config.Alerts["cameras"] = new JsonObject { ["off"] = new JsonObject { ["frameTailProbability"] = 0 } };
        var (code, text) = await DaemonProcess.RunToExitAsync(["run", "--config", config.Write()], TimeSpan.FromMinutes(5), echo: output.WriteLine);
        Assert.Equal(0, code);
        Assert.Equal(2, text.Split('\n').Count(l => l.Contains(": learned profile", StringComparison.Ordinal)));

        var messages = File.Exists(config.JsonlPath)
            ? File.ReadAllLines(config.JsonlPath).Select(l => JsonDocument.Parse(l).RootElement).ToList()
            : [];
        foreach (var m in messages)
            output.WriteLine($"{m.GetProperty("camera").GetString()} {m.GetProperty("type").GetString()} frame {m.GetProperty("frameIndex").GetInt64()} " +
                             $"tail {m.GetProperty("frameTailProbability")} regions {m.GetProperty("regions")}");
        Assert.DoesNotContain(messages, m => m.GetProperty("camera").GetString() == "off");

        var opened = messages.Where(m => m.GetProperty("type").GetString() == "new").ToList();
        var first = Assert.Single(opened);
        Assert.InRange(first.GetProperty("frameIndex").GetInt64(), 506, 570);
        Assert.True(first.GetProperty("frameTailProbability").GetDouble() <= 1e-4);
        var withRegions = messages.Where(m => m.GetProperty("type").GetString() != "end").ToList();
        foreach (var m in withRegions)
            foreach (var r in m.GetProperty("regions").EnumerateArray())
            {
                Assert.Equal("frameScore", r.GetProperty("trigger").GetString());
                // the near lawn: the lower part of the 768×576 frame
                var box = r.GetProperty("box");
                Assert.True(box.GetProperty("y").GetInt32() + box.GetProperty("height").GetInt32() > 420, $"region {r} is not on the near lawn");
            }
        var end = Assert.Single(messages, m => m.GetProperty("type").GetString() == "end");
        Assert.InRange(end.GetProperty("frameIndex").GetInt64(), 600, 700);
    }
}
