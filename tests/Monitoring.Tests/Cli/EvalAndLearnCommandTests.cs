using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitoring.Analysis;
using Monitoring.Cli;
using Monitoring.Evaluation;

namespace Monitoring.Tests.Cli;

/// <summary>The eval and learn commands end to end on real Ped2 footage (skipped when ../shared is absent).</summary>
[Trait("Category", "Integration")]
public sealed class EvalAndLearnCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [RequiresSharedDataFact("ped2/testing/01")]
    public async Task Eval_on_a_subset_prints_both_aucs_and_writes_the_report_plots_and_snapshots()
    {
        // Subset: learn from two training clips, score test clips 01 and 02 only (the labels file decides which).
        var labels = Path.Combine(_dir, "labels.json");
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Ped2, "testing", "labels.json"))))
        {
            var subset = doc.RootElement.EnumerateObject().Where(p => p.Name is "01" or "02").ToDictionary(p => p.Name, p => (object)p.Value.Clone());
            // Clip 02's anomaly is cut short to frame 150, so that the clip has normal frames right after an anomaly and
            // further away from it (the "away" count tells them apart).
            subset["02"] = new { frames = 180, abnormal = new[] { new[] { 94, 150 } } };
            File.WriteAllText(labels, JsonSerializer.Serialize(subset));
        }
        var train = Path.Combine(_dir, "train");
        Directory.CreateDirectory(train);
        foreach (var clip in new[] { "01", "02" })
            Directory.CreateSymbolicLink(Path.Combine(train, clip), Path.Combine(TestPaths.Ped2, "training", clip));
        var outDir = Path.Combine(_dir, "out");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var original = Console.Out;
        Console.SetOut(stdout);
        try
        {
            var rc = await Program.RunAsync(["eval", "--train", train, "--test", Path.Combine(TestPaths.Ped2, "testing"),
                "--labels", labels, "--out", outDir, "--model", Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx"), "--tune-steps", "100"], stdout, stderr);
            Assert.True(rc == 0, stderr.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
        var text = stdout.ToString();
        var micro = double.Parse(Line(text, "frame_auc_micro="), System.Globalization.CultureInfo.InvariantCulture);
        var norm = double.Parse(Line(text, "frame_auc_clipnorm="), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(micro, 0, 1);
        Assert.InRange(norm, 0, 1);
        Assert.Contains("clip 01: frames=180", text);
        Assert.Contains("clip 02: frames=180", text);
        Assert.DoesNotContain("clip 03", text);

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        Assert.Equal(micro, report.RootElement.GetProperty("frame_auc_micro").GetDouble(), 4);
        var trainFrames = new[] { "01", "02" }.Sum(c => Directory.GetFiles(Path.Combine(TestPaths.Ped2, "training", c), "*.jpg").Length);
        Assert.Equal(trainFrames, report.RootElement.GetProperty("train_frames").GetInt64()); // every frame analysed
        Assert.Equal(2, report.RootElement.GetProperty("clips").GetArrayLength());
        // The false alarms count what the daemon would alert on (decision 0020): a cell at the map threshold, or a settled
        // frame score at or below the frame tail threshold; the score settles once its 5-frame window holds no warm-up frame.
        var scene = report.RootElement.GetProperty("scenes")[0];
        var mapThreshold = scene.GetProperty("threshold").GetDouble();
        var tailThreshold = scene.GetProperty("frame_tail_threshold").GetDouble();
        Assert.InRange(tailThreshold, 1e-7, 1e-4);   // derived per camera, never above the target over the safety factor (decision 0022)
        long normal = 0, byMap = 0, byScore = 0, byEither = 0, awayNormal = 0, awayAlerting = 0;
        int anomalousClips = 0, clipsAlerted = 0, clipsAlertedMap = 0;
        var after = scene.GetProperty("after_anomaly_frames").GetInt32();
        Assert.Equal(5, after); // v7's score window
        foreach (var clip in report.RootElement.GetProperty("clips").EnumerateArray())
        {
            var settled = clip.GetProperty("score_settled").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
            Assert.Equal(Enumerable.Range(0, settled.Length).Select(i => i >= 8), settled);
            var peaks = clip.GetProperty("map_peaks").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var tails = clip.GetProperty("tail_probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var abnormal = clip.GetProperty("labels").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
            bool anyAlert = false, anyMapAlert = false;
            for (var i = 4; i < abnormal.Length; i++)
            {
                bool m = peaks[i] >= mapThreshold, f = settled[i] && tails[i] <= tailThreshold;
                if (abnormal[i])
                {
                    anyAlert |= m || f;
                    anyMapAlert |= m;
                    continue;
                }
                normal++;
                byMap += m ? 1 : 0;
                byScore += f ? 1 : 0;
                byEither += m || f ? 1 : 0;
                // "Away": no abnormal frame among the `after` frames before this one.
                if (Enumerable.Range(Math.Max(0, i - after), Math.Min(i, after)).Any(j => abnormal[j])) continue;
                awayNormal++;
                awayAlerting += m || f ? 1 : 0;
            }
            if (!abnormal.Any(l => l)) continue;
            anomalousClips++;
            clipsAlerted += anyAlert ? 1 : 0;
            clipsAlertedMap += anyMapAlert ? 1 : 0;
        }
        Assert.Equal(2, anomalousClips);
        Assert.True(awayNormal > 0 && awayNormal < normal, $"away {awayNormal} of {normal} normal frames");
        Assert.Equal(awayAlerting, scene.GetProperty("false_alarm_frames_away").GetInt64());
        Assert.Equal(awayNormal, scene.GetProperty("normal_frames_away").GetInt64());
        Assert.Equal(clipsAlerted, scene.GetProperty("anomalous_clips_alerted").GetInt32());
        Assert.Equal(clipsAlertedMap, scene.GetProperty("anomalous_clips_alerted_map").GetInt32());
        Assert.Contains($"away: false_alarm_frames_away={awayAlerting}/{awayNormal} ", text);
        Assert.Contains($"anomalous_clips_alerted={clipsAlerted}/2 anomalous_clips_alerted_map={clipsAlertedMap}/2", text);
        Assert.Equal(byEither, scene.GetProperty("false_alarm_frames").GetInt64());
        Assert.Equal(normal, scene.GetProperty("normal_frames").GetInt64());
        Assert.Contains($"false_alarm_frames={byEither}/{normal}", text);
        Assert.Contains($"alerts: frame_tail_threshold={tailThreshold.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)} false_alarm_frames_map={byMap}/{normal} false_alarm_frames_frame_score={byScore}/{normal} ", text);
        // Plots: PNGs of their sizes with the curves drawn. The ROC's blue curve rises above the chance diagonal: more of
        // it in the upper-left triangle than in the lower-right one.
        var roc = PlotImages.Load(Path.Combine(outDir, "roc.png"), EvalPlots.RocSize, EvalPlots.RocSize);
        var blue = PlotImages.Near(31, 119, 180);
        var half = EvalPlots.RocSize / 2;
        Assert.True(PlotImages.Count(roc, blue) > 300, "the ROC curve is missing");
        Assert.True(PlotImages.Count(roc, blue, 0, 0, half, half) > PlotImages.Count(roc, blue, half, half), "the ROC curve is not above the diagonal");
        Assert.True(PlotImages.Count(roc, PlotImages.Dark, 0, 0, EvalPlots.RocSize, 30) > 100, "no title text on the ROC plot");
        foreach (var clip in new[] { "01", "02" })
        {
            var plot = PlotImages.Load(Path.Combine(outDir, $"clip_{clip}.png"), EvalPlots.ClipWidth, EvalPlots.ClipHeight);
            Assert.True(PlotImages.Count(plot, blue) > 300, $"clip {clip}: the score line is missing");
            // Both clips have labelled abnormal frames: the shading (light red) covers a good part of the data area.
            Assert.True(PlotImages.Count(plot, PlotImages.Near(246, 208, 208, 20)) > 5000, $"clip {clip}: the abnormal frames are not shaded");
        }
        Assert.DoesNotContain(Directory.GetFiles(outDir, "*.jpg"), f => !Path.GetFileName(f).StartsWith("snapshot_", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(outDir, "snapshot_01_*.jpg"));
    }

    [RequiresSharedDataFact("ped2/testing/02")]
    public async Task Eval_of_a_folder_of_scenes_learns_each_scene_from_its_own_train_folder_and_reports_each()
    {
        // Two "scenes" made of Ped2 clips: a = learn 01, test 01 (labels in the --labels file as "a/01");
        // b = learn 02 and 03, test 02 (labels in the scene folder's own labels.json).
        static void Link(string path, string target)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Directory.CreateSymbolicLink(path, target);
        }
        var train = Path.Combine(_dir, "train");
        var test = Path.Combine(_dir, "test");
        Link(Path.Combine(train, "a", "01"), Path.Combine(TestPaths.Ped2, "training", "01"));
        Link(Path.Combine(train, "b", "02"), Path.Combine(TestPaths.Ped2, "training", "02"));
        Link(Path.Combine(train, "b", "03"), Path.Combine(TestPaths.Ped2, "training", "03"));
        Link(Path.Combine(test, "a", "01"), Path.Combine(TestPaths.Ped2, "testing", "01"));
        Link(Path.Combine(test, "b", "02"), Path.Combine(TestPaths.Ped2, "testing", "02"));
        using var ped2 = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Ped2, "testing", "labels.json")));
        var labels = Path.Combine(_dir, "labels.json");
        File.WriteAllText(labels, JsonSerializer.Serialize(new Dictionary<string, JsonElement> { ["a/01"] = ped2.RootElement.GetProperty("01").Clone() }));
        File.WriteAllText(Path.Combine(test, "b", "labels.json"),
            JsonSerializer.Serialize(new Dictionary<string, JsonElement> { ["02"] = ped2.RootElement.GetProperty("02").Clone() }));
        var outDir = Path.Combine(_dir, "out");
        string[] Args() => ["eval", "--train", train, "--test", test, "--labels", labels, "--out", outDir,
            "--model", Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx"), "--tune-steps", "0"];

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var original = Console.Out;
        Console.SetOut(stdout);
        try
        {
            var rc = await Program.RunAsync(Args(), stdout, stderr);
            Assert.True(rc == 0, stderr.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
        var text = stdout.ToString();
        Assert.Contains("clip a/01: frames=180", text);
        Assert.Contains("clip b/02: frames=180", text);
        var sceneA = double.Parse(Line(text, "scene a: frame_auc_micro=").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sceneA, 0, 1);
        Assert.Contains("scene b: frame_auc_micro=", text);
        Assert.Contains("frame_auc_micro_calibrated=", text);
        // Each scene's frame stride, chosen from its own train clips' motion: Ped2 moves as the model's training footage did.
        Assert.StartsWith("1 (motion: ", Line(text, "frame_stride a="));
        Assert.StartsWith("1 (motion: ", Line(text, "frame_stride b="));
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json"))))
        {
            var scenes = report.RootElement.GetProperty("scenes");
            Assert.Equal(["a", "b"], scenes.EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray());
            Assert.Equal(sceneA, scenes[0].GetProperty("frame_auc_micro").GetDouble(), 4);
            // Each scene learned from its own folder: 01 alone, then 02 + 03.
            Assert.Equal(Directory.GetFiles(Path.Combine(train, "a", "01"), "*.jpg").Length, scenes[0].GetProperty("train_frames").GetInt64());
            Assert.Equal(2, scenes[1].GetProperty("train_clips").GetInt32());
            Assert.All(scenes.EnumerateArray(), sc => Assert.Equal(1, sc.GetProperty("frame_stride").GetInt32()));
            Assert.All(scenes.EnumerateArray(), sc => Assert.EndsWith("frame stride 1", sc.GetProperty("motion").GetString()));
        }
        Assert.True(File.Exists(Path.Combine(outDir, "clip_a_01.png")));

        // A scene without a train folder of its name is a usage error naming the folder: exit 2.
        Directory.Delete(Path.Combine(train, "b"), true);
        var error = new StringWriter();
        Assert.Equal(2, await Program.RunAsync(Args(), new StringWriter(), error));
        Assert.StartsWith("monitoring eval: ", error.ToString());
        Assert.Contains(Path.Combine(train, "b"), error.ToString());
    }

    [RequiresSharedDataFact("ped2/training/01")]
    public async Task Learn_writes_a_profile_tied_to_the_model_and_refuses_it_for_another_model()
    {
        var model = Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");
        var config = Path.Combine(_dir, "c.json");
        File.WriteAllText(config, $$"""
            { "model": { "path": "{{model}}" },
              "cameras": [ { "id": "walkway", "url": "{{Path.Combine(TestPaths.Ped2, "training", "01", "%03d.jpg")}}", "analysisFps": 0, "profile": "walkway.profile.json" } ] }
            """);
        var stderr = new StringWriter();
        var stdout = new StringWriter();
        var original = Console.Out;
        Console.SetOut(stdout);
        int rc;
        try
        {
            rc = await Program.RunAsync(["learn", "--config", config, "--camera", "walkway", "--tune-steps", "100"], stdout, stderr);
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.True(rc == 0, stderr.ToString());
        var profile = NormalityProfile.Load(Path.Combine(_dir, "walkway.profile.json"));
        Assert.Equal(120, profile.Frames);
        using var loaded = AnomalyModel.Load(model, Monitoring.Inference.OnnxSessionOptions.Cpu);
        profile.EnsureMatches(loaded, "walkway.profile.json");
        Assert.Equal(loaded.ProfileLength, profile.Mean.Length);
        Assert.All(profile.Var, v => Assert.True(v >= 0));
        Assert.Contains(profile.Mean, m => m != 0);
        // 120 frames are too few to hold footage out: the calibration says so and keeps the default threshold.
        Assert.Equal(loaded.D, profile.Calibration.FeatureScale.Length);
        Assert.False(profile.Calibration.HeldOut);
        Assert.Equal(loaded.Head!.DefaultThreshold, profile.Calibration.MapThreshold);

        // The camera's own predictor, tuned on its frames: in the profile, and what the camera runs.
        Assert.NotNull(profile.Predictor);
        Assert.Equal(loaded.OwnPredictor.Count, profile.Predictor.Length);
        Assert.NotEqual(loaded.OwnPredictor.Flatten(), profile.Predictor);
        Assert.StartsWith("predictor tuned on 120 frames: 100 steps of 16 windows", profile.Tuning);
        Assert.Contains($"predictor walkway: {profile.Tuning}", stdout.ToString());
        using (var camera = loaded.For(profile, "walkway.profile.json"))
        {
            Assert.NotSame(loaded, camera);
            Assert.Equal(loaded.Version + "+pred-" + loaded.OwnPredictor.WithValues(profile.Predictor, "test").Hash(), camera.Version);
        }
        // A predictor of the wrong size (another model's) is refused with the fix.
        var cut = new NormalityProfile
        {
            CameraId = profile.CameraId, ModelSha256 = profile.ModelSha256, ModelVersion = profile.ModelVersion, D = profile.D,
            CellsH = profile.CellsH, CellsW = profile.CellsW, Frames = profile.Frames, CreatedUtc = profile.CreatedUtc,
            Source = profile.Source, Mean = profile.Mean, Var = profile.Var, Calibration = profile.Calibration, Predictor = profile.Predictor[..100],
        };
        var wrong = Assert.Throws<ProfileException>(() => loaded.For(cut, "walkway.profile.json"));
        Assert.Contains("monitoring learn --camera walkway", wrong.Message);

        // A profile learned with another model (another hash) is refused, naming the fix.
        var foreign = new NormalityProfile
        {
            CameraId = profile.CameraId, ModelSha256 = new string('0', 64), ModelVersion = "other-1", D = profile.D,
            CellsH = profile.CellsH, CellsW = profile.CellsW, Frames = profile.Frames, CreatedUtc = profile.CreatedUtc,
            Source = profile.Source, Mean = profile.Mean, Var = profile.Var, Calibration = profile.Calibration,
        };
        var e = Assert.Throws<ProfileException>(() => foreign.EnsureMatches(loaded, "walkway.profile.json"));
        Assert.Contains("monitoring learn --camera walkway", e.Message);
        Assert.Contains("other-1", e.Message);
    }

    [RequiresSharedDataFact("ped2/training/01")]
    public async Task Learn_in_a_pipe_keeps_its_result_lines_and_writes_plain_progress_lines_without_escape_codes()
    {
        var config = Path.Combine(_dir, "c.json");
        File.WriteAllText(config, $$"""
            { "model": { "path": "{{Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx")}}", "provider": "auto" },
              "cameras": [ { "id": "walkway", "url": "{{Path.Combine(TestPaths.Ped2, "training", "01", "%03d.jpg")}}", "analysisFps": 0, "profile": "walkway.profile.json" } ] }
            """);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        foreach (var a in new[] { DaemonProcess.MonitoringDll, "learn", "--config", config, "--camera", "walkway", "--tune-steps", "50" }) psi.ArgumentList.Add(a);
        psi.Environment["TERM"] = "xterm-256color"; // a colour terminal type: the redirection alone must keep escape codes out
        psi.Environment.Remove("NO_COLOR");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout;
        var errors = await stderr;
        Assert.True(process.ExitCode == 0, errors);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u001b', errors);
        // stdout holds the four result lines and nothing else.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^learned walkway: 120 frames in \d+\.\d s -> .*walkway\.profile\.json \(profile walkway-\d+-[0-9a-f]+, model .+\)$", lines[0]);
        Assert.StartsWith("calibration walkway: threshold ", lines[1]);
        // Ped2 moves as fast as the model's training footage (it is that footage): stride 1, from a measured motion.
        Assert.Matches(@"^frame stride walkway: 1 \(motion: \d\.\d{3} px per analysed frame \(\d+ of \d+ pairs moving\), the model's 0\.429; frame stride 1\)$", lines[2]);
        Assert.StartsWith("predictor walkway: predictor tuned on 120 frames: 50 steps of 16 windows", lines[3]);
        // Progress went to stderr as plain "learn walkway: N%" lines; Spectre's plain renderer looks once a second, so a
        // learn of 2 s or more wrote at least one.
        var progress = errors.Split('\n').Where(l => l.StartsWith("learn walkway", StringComparison.Ordinal)).ToList();
        Assert.All(progress, l => Assert.Matches(@"^learn walkway: \d{1,3}%$", l));
        var seconds = double.Parse(Regex.Match(lines[0], @" in (\d+\.\d) s ").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (seconds >= 2) Assert.NotEmpty(progress);
    }

    private static string Line(string text, string prefix) =>
        text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
}
