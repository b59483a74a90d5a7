using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Monitoring.Tests.Hosting;

/// <summary>
/// The daemon as users run it, for many cameras: a real process, real cameras (files, a GStreamer RTSP server on
/// loopback), /metrics read over HTTP, SIGTERM and bad configs. Plumbing truths, not model accuracy.
/// </summary>
[Collection(DaemonCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DaemonCameraTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Rtsp_camera_killed_mid_stream_and_restarted_reconnects_and_resumes()
    {
        using var dir = new TempDir();
        var clip = TestClips.VTest(60);
        var server = LoopbackRtspServer.Start(clip);
        try
        {
            var config = new DaemonConfig(dir.Path);
            config.AddCamera("cam", server.Url, analysisFps: 5, autoLearnFrames: 10);
            using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, echo: output.WriteLine);

            var m = await daemon.WaitForMetricsAsync(x => x.State("cam") == 1 && x.FramesAnalysed("cam") >= 15, Start, "camera streaming, 15 frames analysed");
            Assert.Equal(0, m.Reconnects("cam"));

            // Follow the decoded-frame counter closely around the outage.
            var lastIncrease = Stopwatch.GetTimestamp();
            var decoded = m.FramesDecoded("cam");
            server.Dispose(); // SIGKILL: the camera vanishes mid-stream
            var killedAt = Stopwatch.GetTimestamp();
            double? noticed = null;
            while (Stopwatch.GetElapsedTime(killedAt) < TimeSpan.FromSeconds(4))
            {
                m = await daemon.MetricsAsync();
                if (m.FramesDecoded("cam") > decoded)
                {
                    decoded = m.FramesDecoded("cam");
                    lastIncrease = Stopwatch.GetTimestamp(); // frames already buffered still arrive
                }
                if (noticed is null && m.State("cam") != 1) noticed = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
                await Task.Delay(50);
            }
            Assert.True(noticed is not null, $"the daemon did not notice the dead camera within 4 s: {m.Summary()}");
            Assert.NotEqual(1, m.State("cam"));
            Assert.True(m.Reconnects("cam") > 0, m.Summary());

            server = LoopbackRtspServer.Start(clip, port: new Uri(config.Root["cameras"]![0]!["url"]!.GetValue<string>()).Port);
            var restartedAt = Stopwatch.GetTimestamp();
            var atRestart = await daemon.MetricsAsync();
            m = await daemon.WaitForMetricsAsync(x => x.State("cam") == 1 && x.FramesDecoded("cam") > atRestart.FramesDecoded("cam"),
                TimeSpan.FromSeconds(60), "camera streaming again after the server restart");
            var reconnectSeconds = Stopwatch.GetElapsedTime(restartedAt).TotalSeconds;
            var gapSeconds = Stopwatch.GetElapsedTime(lastIncrease).TotalSeconds;
            const double cameraFps = 10;
            var lost = Math.Max(0, (int)Math.Round(gapSeconds * cameraFps) - 1);
            var message = $"RTSP outage: daemon noticed the dead camera after {noticed:0.00} s; server down {Stopwatch.GetElapsedTime(killedAt).TotalSeconds - reconnectSeconds:0.00} s; " +
                          $"reconnected {reconnectSeconds:0.00} s after the server restart (reconnect attempts {m.Reconnects("cam")}); " +
                          $"no frame for {gapSeconds:0.00} s ≈ {lost} frames lost at {cameraFps} fps";
            output.WriteLine(message);
            Console.WriteLine(message);

            var analysed = m.FramesAnalysed("cam");
            await daemon.WaitForMetricsAsync(x => x.FramesAnalysed("cam") >= analysed + 10 && x.State("cam") == 1, TimeSpan.FromSeconds(20),
                "frames analysed keep rising after the reconnect");

            daemon.Terminate();
            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            // The outage is told once, however many retries it took, and its end is told once.
            Assert.Single(daemon.Lines, l => l.Contains("frames flowing again after", StringComparison.Ordinal));
            // Each retry warning names a new error (the stream's end, then e.g. the refused reconnects); repeats go to debug.
            var errors = daemon.Lines.Where(l => l.Contains("Camera cam:", StringComparison.Ordinal) && l.Contains("; retrying in", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf("Camera cam:", StringComparison.Ordinal) + 11)..l.IndexOf("; retrying in", StringComparison.Ordinal)]).ToList();
            output.WriteLine($"retry warnings: {errors.Count} for {m.Reconnects("cam")} reconnect attempts");
            Assert.NotEmpty(errors);
            for (var i = 1; i < errors.Count; i++) Assert.NotEqual(errors[i - 1], errors[i]);
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task Frozen_rtsp_camera_is_restarted_by_the_watchdog_and_comes_back_when_it_thaws()
    {
        using var dir = new TempDir();
        var clip = TestClips.VTest(60);
        using var server = LoopbackRtspServer.Start(clip);
        var config = new DaemonConfig(dir.Path);
        config.AddCamera("cam", server.Url, analysisFps: 5, autoLearnFrames: 5);
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, echo: output.WriteLine);
        await daemon.WaitForMetricsAsync(x => x.State("cam") == 1 && x.FramesAnalysed("cam") >= 10, Start, "camera streaming");

        server.Freeze(); // connection open, no frames: only the no-frame watchdog can tell
        var frozenAt = Stopwatch.StartNew();
        var m = await daemon.WaitForMetricsAsync(x => x.State("cam") != 1, TimeSpan.FromSeconds(20), "the watchdog to drop the silent stream");
        var noticed = frozenAt.Elapsed.TotalSeconds;
        output.WriteLine($"state left streaming after {noticed:0.00} s: {m.Summary()}");
        await Task.Delay(1000);
        server.Thaw();
        var thawedAt = Stopwatch.StartNew();
        var decoded = (await daemon.MetricsAsync()).FramesDecoded("cam");
        m = await daemon.WaitForMetricsAsync(x => x.State("cam") == 1 && x.FramesDecoded("cam") > decoded, TimeSpan.FromSeconds(60), "streaming after the thaw");
        var message = $"frozen camera: watchdog noticed after {noticed:0.00} s (read timeout 3 s); streaming again {thawedAt.Elapsed.TotalSeconds:0.00} s after the thaw, reconnects {m.Reconnects("cam")}";
        output.WriteLine(message);
        Console.WriteLine(message);
        Assert.InRange(noticed, 1, 10);
        Assert.True(m.Reconnects("cam") >= 1);

        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Camera_hanging_in_open_neither_blocks_another_cameras_open_nor_delays_sigterm()
    {
        using var dir = new TempDir();
        // A "camera" that accepts the TCP connection and never says a word: the RTSP open hangs until its timeout.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var config = new DaemonConfig(dir.Path);
        config.AddCamera("healthy", TestClips.VTest(20), analysisFps: 5, autoLearnFrames: 5, loop: true, realtime: true);
        config.AddCamera("hung", $"rtsp://127.0.0.1:{port}/x", analysisFps: 5, autoLearnFrames: 5);
        config.Root["capture"]!["openTimeoutMs"] = 60_000; // a slow network's setting
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, echo: output.WriteLine);
        // OpenCV 4.6 holds one process-wide lock through every FFmpeg open: the hung camera must not hold it.
        await daemon.WaitForMetricsAsync(x => x.FramesAnalysed("healthy") >= 10, TimeSpan.FromSeconds(20), "the healthy camera analysed while the other hangs");
        Assert.Equal(0, (await daemon.MetricsAsync()).State("hung")); // still connecting

        var stop = Stopwatch.StartNew();
        daemon.Terminate();
        var code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(40));
        output.WriteLine($"SIGTERM with a camera hanging in open → exit {code} in {stop.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(0, code);
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stop.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains(daemon.Lines, l => l.Contains("Pipeline stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unreachable_camera_does_not_slow_a_healthy_one_and_never_shows_its_password()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        // A live-paced healthy camera at 5 analysed frames per second.
        config.AddCamera("healthy", TestClips.VTest(20), analysisFps: 5, autoLearnFrames: 5, loop: true, realtime: true);
        var closed = DaemonProcess.FreePort();
        config.AddCamera("dead", $"rtsp://user:secretpw@127.0.0.1:{closed}/x", analysisFps: 5, autoLearnFrames: 5);
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, echo: output.WriteLine);

        var first = await daemon.WaitForMetricsAsync(x => x.FramesAnalysed("healthy") >= 10 && x.Reconnects("dead") >= 1, Start,
            "healthy frames flowing and the dead camera retrying");
        var t0 = Stopwatch.GetTimestamp();
        var states = new HashSet<int>();
        PrometheusText m = first;
        while (Stopwatch.GetElapsedTime(t0) < TimeSpan.FromSeconds(6))
        {
            m = await daemon.MetricsAsync();
            if (m.State("dead") is { } s) states.Add(s);
            await Task.Delay(100);
        }
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var rate = (m.FramesAnalysed("healthy") - first.FramesAnalysed("healthy")) / seconds;
        output.WriteLine($"healthy camera: {rate:0.00} analysed frames/s beside the dead one (configured 5/s); dead camera states seen: {string.Join(",", states)}, " +
                         $"reconnects {first.Reconnects("dead")} → {m.Reconnects("dead")}");
        Assert.InRange(rate, 3.5, 6.5);
        Assert.Contains(2, states); // reconnecting
        Assert.DoesNotContain(1, states);
        Assert.True(m.Reconnects("dead") >= first.Reconnects("dead") + 2, $"reconnects did not keep rising: {m.Summary()}");
        Assert.Equal(1, m.State("healthy"));

        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(daemon.Lines, l => l.Contains("***:***@127.0.0.1", StringComparison.Ordinal));
        // A camera that stays down is one warning, not one per retry.
        var warned = daemon.Lines.Count(l => l.Contains("Camera dead:", StringComparison.Ordinal) && l.Contains("retrying in", StringComparison.Ordinal));
        Assert.True(warned == 1, $"{warned} retry warnings for {m.Reconnects("dead")} reconnects of the dead camera");
        Assert.DoesNotContain(daemon.Lines, l => l.Contains("secretpw", StringComparison.Ordinal));
    }

    /// <summary>A camera "door" over a short clip, with its profile's folder made (the profile itself not written).</summary>
    private static (DaemonConfig Config, string Profile) DoorCamera(TempDir dir, int autoLearnFrames)
    {
        var config = new DaemonConfig(dir.Path);
        config.AddCamera("door", TestClips.VTest(5), analysisFps: 5, autoLearnFrames: autoLearnFrames);
        var profile = config.ProfilePath("door");
        Directory.CreateDirectory(Path.GetDirectoryName(profile)!);
        return (config, profile);
    }

    [Fact]
    public async Task A_pipeline_that_cannot_start_exits_1_and_names_the_cause()
    {
        // A profile the analyser refuses (here unreadable; after a model upgrade: learned with the old model) stops
        // the host. Before, `run` still exited 0, so a supervisor saw a clean stop of a daemon that never ran.
        using var dir = new TempDir();
        var (config, profile) = DoorCamera(dir, autoLearnFrames: 0);
        File.WriteAllText(profile, "{ not json");

        var (code, text) = await DaemonProcess.RunToExitAsync(["run", "--config", config.Write()], TimeSpan.FromSeconds(60), echo: output.WriteLine);
        Assert.Equal(1, code);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("monitoring run: the pipeline failed", StringComparison.Ordinal) && l.Contains(profile, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_camera_that_learns_by_itself_learns_again_after_a_model_upgrade_and_keeps_the_old_profile()
    {
        // After a model upgrade (v7 -> v8) every profile is bound to the old model's hash. A camera with autoLearnFrames
        // learns again instead of refusing to start; the old profile is renamed, not lost.
        using var dir = new TempDir();
        var (config, profile) = DoorCamera(dir, autoLearnFrames: 10);
        string sha;
        using (var model = Monitoring.Analysis.AnomalyModel.Load(Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx"), Monitoring.Inference.OnnxSessionOptions.Cpu))
        {
            sha = model.Sha256;
            new Monitoring.Analysis.NormalityProfile
            {
                CameraId = "door", ModelSha256 = new string('a', 64), ModelVersion = "monitoring-ped2-predcell-7-aaaaaaaaaaaa",
                D = model.D, CellsH = model.CellsH, CellsW = model.CellsW, Frames = 300, CreatedUtc = DateTimeOffset.UtcNow,
                Source = "old footage", Mean = new float[model.ProfileLength], Var = new float[model.ProfileLength],
                Calibration = new Monitoring.Analysis.ProfileCalibration
                {
                    FeatureScale = Enumerable.Repeat(1f, model.D).ToArray(), VarianceEps = 8, TargetFalseAlarmRate = 0.001,
                    MapThreshold = 0.9f, Frames = 300, HeldOut = true, AlertingFrameRate = 0, ScoreQuantiles = [], ScoreTailMean = 0,
                },
            }.Save(profile);
        }

        var (code, text) = await DaemonProcess.RunToExitAsync(["run", "--config", config.Write()], TimeSpan.FromSeconds(90), echo: output.WriteLine);
        Assert.Equal(0, code);
        var kept = profile + ".model-aaaaaaaaaaaa.bak";
        Assert.Equal(new string('a', 64), Monitoring.Analysis.NormalityProfile.Load(kept).ModelSha256);
        Assert.Equal(sha, Monitoring.Analysis.NormalityProfile.Load(profile).ModelSha256);
        Assert.Contains(text.Split('\n'), l => l.Contains("was learned with model monitoring-ped2-predcell-7-aaaaaaaaaaaa", StringComparison.Ordinal)
                                                && l.Contains(kept, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Four_cameras_share_model_batches()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        var clip = TestClips.VTest(10);
        for (var i = 0; i < 4; i++) config.AddCamera($"cam{i}", clip, analysisFps: 0, autoLearnFrames: 10, loop: true);
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, echo: output.WriteLine);

        var m = await daemon.WaitForMetricsAsync(x => Enumerable.Range(0, 4).All(i => x.FramesAnalysed($"cam{i}") >= 40), Start,
            "40 frames analysed on each of four cameras");
        var batches = m.Value("monitoring_batch_size_count");
        var frames = m.Value("monitoring_batch_size_sum");
        var mean = frames / batches;
        output.WriteLine($"four cameras: {frames} frames in {batches} batches, mean batch {mean:0.00}");
        Assert.True(mean > 1.5, $"mean batch {mean:0.00}: the cameras were not batched together");
        Assert.True(m.Value("monitoring_batch_size_bucket{le=\"1\"}") < batches, "every batch held one frame");

        daemon.Terminate();
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Sigterm_exits_0_promptly_and_every_alert_is_delivered_or_still_in_the_outbox()
    {
        using var dir = new TempDir();
        var key = DeliveryKeys.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        // A slow receiver: messages pile up in the outbox, so some are still there at the stop.
        receiver.Behaviour = async (_, ctx) =>
        {
            await Task.Delay(700);
            ctx.Response.StatusCode = 204;
        };
        var config = new DaemonConfig(dir.Path);
        config.AddCamera("cam", TestClips.VTest(20), analysisFps: 5, autoLearnFrames: 5, loop: true, realtime: true);
        config.SensitiveAlerts();
        config.AddWebhook(receiver.Port, "MONITORING_TEST_SECRET");
        config.Root["pipeline"]!["drainSeconds"] = 1;
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, DeliveryKeys.Env("MONITORING_TEST_SECRET", key), output.WriteLine);

        await daemon.WaitForMetricsAsync(x => x.Sum("monitoring_alert_messages_total") >= 8, Start, "8 alert messages emitted");
        var stop = Stopwatch.StartNew();
        daemon.Terminate();
        var code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"SIGTERM → exit {code} in {stop.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(0, code);

        var emitted = AlertRecords.JsonlIds(config.JsonlPath);
        var delivered = receiver.Hits.Where(h => h.SignatureValid).Select(h => h.Id).ToHashSet();
        var waiting = AlertRecords.OutboxIds(config.OutboxPath);
        output.WriteLine($"emitted {emitted.Count}, delivered {delivered.Count}, still in the outbox {waiting.Count}");
        Assert.True(emitted.Count >= 8);
        Assert.Empty(emitted.Except(delivered).Except(waiting));
        Assert.Empty(delivered.Union(waiting).Except(emitted)); // nothing invented
        Assert.Equal(0, receiver.InvalidSignatures);
        Assert.Contains(daemon.Lines, l => l.Contains("Pipeline stopped", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> BadConfigs => new()
    {
        { "cameras[0].url empty", """{"cameras":[{"id":"a","url":"","autoLearnFrames":5}]}""", "cameras[0].url: is empty" },
        { "unknown key", """{"cameras":[{"id":"a","url":"x.avi","autoLearnFrames":5,"colour":"red"}]}""", "unknown setting cameras[0].colour" },
        { "bad webhook url", """{"cameras":[{"id":"a","url":"x.avi","autoLearnFrames":5}],"alerts":{"webhooks":[{"url":"ftp://hooks.example/x","secretEnv":"MONITORING_TEST_SECRET"}]}}""",
            "alerts.webhooks[0].url 'ftp://hooks.example/x' is not an absolute http(s) URL" },
        { "missing secret env", """{"cameras":[{"id":"a","url":"x.avi","autoLearnFrames":5}],"alerts":{"webhooks":[{"url":"http://127.0.0.1:9/x","secretEnv":"MONITORING_TEST_UNSET_SECRET"}]}}""",
            "alerts.webhooks[0].secretEnv names 'MONITORING_TEST_UNSET_SECRET', which is not set or empty" },
        { "wrong type", """{"cameras":[{"id":"a","url":"x.avi","autoLearnFrames":"many"}]}""", "cameras[0].autoLearnFrames" },
        { "not json", """{"cameras":[""", "is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task Bad_config_exits_2_naming_the_json_path_and_validate_config_exits_1(string why, string json, string expected)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "bad.json");
        File.WriteAllText(path, json.Replace("\"x.avi\"", JsonValue.Create(TestPaths.VTestAvi).ToJsonString(), StringComparison.Ordinal)
            .Replace("{\"cameras\"", $"{{\"model\":{{\"path\":{JsonValue.Create(Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx")).ToJsonString()}}},\"cameras\"", StringComparison.Ordinal));
        var env = new Dictionary<string, string> { ["MONITORING_TEST_SECRET"] = "plain-secret" };

        var (code, text) = await DaemonProcess.RunToExitAsync(["run", "--config", path], TimeSpan.FromSeconds(30), env);
        output.WriteLine($"{why}: run → {code}: {text}");
        Assert.Equal(2, code);
        Assert.Contains(expected, text);
        Assert.Contains(path, text);

        (code, text) = await DaemonProcess.RunToExitAsync(["validate-config", "--config", path], TimeSpan.FromSeconds(30), env);
        Assert.Equal(1, code);
        Assert.Contains(expected, text);
    }

    [Fact]
    public async Task Validate_config_exits_0_on_a_usable_config()
    {
        using var dir = new TempDir();
        var config = new DaemonConfig(dir.Path);
        config.AddCamera("cam", TestPaths.RequireVTest());
        var (code, text) = await DaemonProcess.RunToExitAsync(["validate-config", "--config", config.Write()], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, text);
        Assert.Contains("OK (1 camera(s)", text);
    }
}

/// <summary>Daemon processes run one at a time: they share two cores, and timing assertions need them.</summary>
[CollectionDefinition(Name)]
public sealed class DaemonCollection
{
    public const string Name = "daemon processes";
}

/// <summary>Webhook keys and the environment that hands them to the daemon.</summary>
internal static class DeliveryKeys
{
    public static byte[] NewKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(24);

    public static Dictionary<string, string> Env(string name, byte[] key) => new() { [name] = "whsec_" + Convert.ToBase64String(key) };
}

/// <summary>What the daemon recorded: message ids in its JSONL file and in its outbox.</summary>
internal static class AlertRecords
{
    public static List<JsonObject> Jsonl(string path) => File.Exists(path)
        ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList()
        : [];

    public static HashSet<string> JsonlIds(string path) => Jsonl(path).Select(o => o["id"]!.GetValue<string>()).ToHashSet();

    public static HashSet<string> OutboxIds(string path)
    {
        var ids = new HashSet<string>();
        if (!File.Exists(path)) return ids;
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT message_id FROM outbox";
        using var r = cmd.ExecuteReader();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }
}
