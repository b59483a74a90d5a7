using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Evaluation;
using Monitoring.Inference;
using Monitoring.Native.OpenCv;

namespace Monitoring.Cli;

/// <summary>
/// <c>monitoring eval --train DIR --test DIR --labels FILE [--out DIR] [--model PATH] [--batch N] [--threads N] [--provider P]</c>:
/// learns a profile from the normal clips under --train, scores every frame of every labelled clip under
/// --test causally through the daemon's own code path, and prints the frame-level AUCs.
/// </summary>
public static class EvalCommand
{
    /// <summary>The command line, as <see cref="Commands"/> parsed it.</summary>
    /// <param name="Model">null: the bundled models/anomaly.onnx (<see cref="ModelLocator"/>).</param>
    /// <param name="Threads">ONNX Runtime intra-op threads, 0 for its default.</param>
    /// <param name="FrameStride">0: each scene's stride is chosen from its train clips' motion, as <c>learn</c> does.</param>
    public sealed record Arguments(string Train, string Test, string Labels, string? OutDir, string? Model, int Batch, int Threads, string Provider,
        int FrameStride = 0, int TuneSteps = -1);

    public static int Run(Arguments a, ILoggerFactory logs)
    {
        var (train, test, labelsPath, outDir, _, batch, threads, provider, frameStride, tuneSteps) = a;
        Commands.CheckFrameStride(frameStride);
        var tuning = Commands.Tuning(tuneSteps);
        var modelPath = ModelLocator.Find(a.Model);
        var labels = FrameLabels.Load(labelsPath);
        var log = logs.CreateLogger("eval");
        var session = new OnnxSessionOptions(Provider: ExecutionProviders.Parse(provider), IntraOpThreads: threads);
        using var model = AnomalyModel.Load(modelPath, session, log);
        log.LogInformation("Model {Model} ({Provider}): window {T}x{H}x{W}, features {D}x{Ch}x{Cw}",
            model.Version, model.ActiveProvider, model.T, model.H, model.W, model.D, model.CellsH, model.CellsW);

        var report = ConsoleProgress.Run(progress =>
            new Evaluator(model, batch) { FrameStride = frameStride, Tuning = tuning }.Run(train, test, labels, (phase, n, total) => progress(phase, n, total), CancellationToken.None));

        foreach (var c in report.Clips)
            Console.WriteLine($"clip {c.Name}: frames={c.Scores.Length} abnormal={c.Labels.Count(l => l)} auc={Fmt(c.Auc)}");
        if (report.MultiScene)
            foreach (var scene in report.Scenes)
                Console.WriteLine($"scene {scene.Name}: frame_auc_micro={Fmt(scene.FrameAucMicro)} frame_auc_clipnorm={Fmt(scene.FrameAucClipNorm)} " +
                                  $"threshold={scene.Calibration.MapThreshold.ToString("0.0000", CultureInfo.InvariantCulture)} " +
                                  $"false_alarm_frames={scene.FalseAlarms.Alerting}/{scene.FalseAlarms.Normal}" +
                                  NormalClips(scene) + $" learned={scene.TrainFrames}");
        Console.WriteLine($"learn: {report.TrainFrames} frames from {report.TrainClips} clips in {report.LearnSeconds:0.0} s ({report.TrainFrames / report.LearnSeconds:0} frames/s)");
        Console.WriteLine($"score: {report.TestFrames} frames from {report.TestClips} clips in {report.ScoreSeconds:0.0} s ({report.TestFrames / report.ScoreSeconds:0} frames/s)");
        Console.WriteLine($"frame_auc_micro={Fmt(report.FrameAucMicro)}");
        Console.WriteLine($"frame_auc_clipnorm={Fmt(report.FrameAucClipNorm)}");
        if (report.MultiScene)
        {
            Console.WriteLine($"frame_auc_micro_calibrated={Fmt(report.FrameAucMicroCalibrated)}");
        }
        else
        {
            var scene = report.Scenes[0];
            Console.WriteLine($"threshold={scene.Calibration.MapThreshold.ToString("0.0000", CultureInfo.InvariantCulture)} ({scene.Calibration.Describe()})");
            Console.WriteLine($"false_alarm_frames={scene.FalseAlarms.Alerting}/{scene.FalseAlarms.Normal}{NormalClips(scene)}");
        }
        foreach (var scene in report.Scenes)
            Console.WriteLine($"alerts{(scene.Name.Length > 0 ? " " + scene.Name : "")}: frame_tail_threshold={TailFmt(scene.Calibration.FrameTailThreshold)} " +
                              $"false_alarm_frames_map={scene.FalseAlarmsMap.Alerting}/{scene.FalseAlarmsMap.Normal} " +
                              $"false_alarm_frames_frame_score={scene.FalseAlarmsFrameScore.Alerting}/{scene.FalseAlarmsFrameScore.Normal} " +
                              $"alerted_abnormal_frames={scene.AlertedAnomalies.Alerting}/{scene.AlertedAnomalies.Abnormal}");
        foreach (var scene in report.Scenes)
        {
            var (away, awayNormal) = scene.FalseAlarmsAway;
            var (caught, anomalous) = scene.AnomalousClipsAlerted;
            var per1000 = awayNormal > 0 ? (1000.0 * away / awayNormal).ToString("0.00", CultureInfo.InvariantCulture) : "nan";
            Console.WriteLine($"away{(scene.Name.Length > 0 ? " " + scene.Name : "")}: false_alarm_frames_away={away}/{awayNormal} " +
                              $"per_1000={per1000} (normal frames more than {scene.AfterAnomalyFrames} frames after any abnormal frame) " +
                              $"anomalous_clips_alerted={caught}/{anomalous} anomalous_clips_alerted_map={scene.AnomalousClipsAlertedMap.Alerted}/{anomalous}");
        }
        foreach (var scene in report.Scenes)
            Console.WriteLine($"frame_stride{(scene.Name.Length > 0 ? " " + scene.Name : "")}={scene.FrameStride} ({scene.Motion})");

        if (outDir is not null) WriteOutputs(report, outDir, model.CellsW, model.CellsH);
        return 0;
    }

    /// <summary>" false_alarm_frames_normal_clips=a/b" when the scene has clips without any abnormal frame, else "".</summary>
    private static string NormalClips(Evaluator.SceneResult scene) =>
        scene.FalseAlarmsInNormalClips is { Normal: > 0 } f ? $" false_alarm_frames_normal_clips={f.Alerting}/{f.Normal}" : "";

    /// <summary>NaN (no abnormal or no normal frame: AUC undefined) is written as null; JSON has no NaN.</summary>
    private static double? OrNull(double v) => double.IsNaN(v) ? null : v;

    private static string TailFmt(double? v) => v is { } q ? q.ToString("0.######", CultureInfo.InvariantCulture) : "none";

    private static string Fmt(double v) => double.IsNaN(v) ? "nan" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void WriteOutputs(Evaluator.Report report, string outDir, int cellsW, int cellsH)
    {
        Directory.CreateDirectory(outDir);
        var json = new
        {
            model = report.Model, model_sha256 = report.ModelSha256, model_version = report.ModelVersion, provider = report.Provider,
            train_clips = report.TrainClips, train_frames = report.TrainFrames, learn_seconds = report.LearnSeconds,
            test_clips = report.TestClips, test_frames = report.TestFrames, score_seconds = report.ScoreSeconds,
            frame_auc_micro = OrNull(report.FrameAucMicro), frame_auc_clipnorm = OrNull(report.FrameAucClipNorm),
            frame_auc_micro_calibrated = OrNull(report.FrameAucMicroCalibrated),
            scenes = report.Scenes.Select(s => new
            {
                name = s.Name, train_clips = s.TrainClips, train_frames = s.TrainFrames, learn_seconds = s.LearnSeconds,
                frame_auc_micro = OrNull(s.FrameAucMicro), frame_auc_clipnorm = OrNull(s.FrameAucClipNorm),
                threshold = s.Calibration.MapThreshold, false_alarm_frames = s.FalseAlarms.Alerting, normal_frames = s.FalseAlarms.Normal,
                false_alarm_frames_normal_clips = s.FalseAlarmsInNormalClips.Alerting, normal_clip_frames = s.FalseAlarmsInNormalClips.Normal,
                frame_tail_threshold = s.Calibration.FrameTailThreshold, false_alarm_frames_map = s.FalseAlarmsMap.Alerting,
                false_alarm_frames_frame_score = s.FalseAlarmsFrameScore.Alerting,
                alerted_abnormal_frames = s.AlertedAnomalies.Alerting, abnormal_frames = s.AlertedAnomalies.Abnormal,
                after_anomaly_frames = s.AfterAnomalyFrames, false_alarm_frames_away = s.FalseAlarmsAway.Alerting,
                normal_frames_away = s.FalseAlarmsAway.Normal,
                anomalous_clips = s.AnomalousClipsAlerted.Anomalous, anomalous_clips_alerted = s.AnomalousClipsAlerted.Alerted,
                anomalous_clips_alerted_map = s.AnomalousClipsAlertedMap.Alerted,
                frame_stride = s.FrameStride, motion = s.Motion,
                calibration = new
                {
                    feature_scale = s.Calibration.FeatureScale, target_false_alarm_rate = s.Calibration.TargetFalseAlarmRate,
                    held_out = s.Calibration.HeldOut, frames = s.Calibration.Frames, alerting_frame_rate = OrNull(s.Calibration.AlertingFrameRate),
                },
            }),
            clips = report.Clips.Select(c => new
            {
                name = c.Name, frames = c.Scores.Length, abnormal = c.Labels.Count(l => l), auc = OrNull(c.Auc), scores = c.Scores, map_peaks = c.MapPeaks,
                tail_probabilities = c.TailProbabilities, labels = c.Labels, score_settled = c.ScoreSettled,
            }),
        };
        File.WriteAllText(Path.Combine(outDir, "report.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));

        // ROC curve of the pooled raw scores; per clip, the score over the frames with the abnormal frames shaded
        // (one y range for every clip, so their plots compare).
        var all = report.Clips.SelectMany(c => c.Scores).ToList();
        var lab = report.Clips.SelectMany(c => c.Labels).ToList();
        EvalPlots.Roc(RocAuc.Curve(all, lab), report.FrameAucMicro, Path.Combine(outDir, "roc.png"));
        var yMin = Math.Min(0, all.Min());
        var yMax = Math.Max(yMin + 1e-6, all.Max() * 1.05);
        foreach (var c in report.Clips)
            EvalPlots.ClipScores(c.Name, c.Scores, c.Labels, c.Auc, yMin, yMax, Path.Combine(outDir, $"clip_{FileName(c.Name)}.png"));

        // Localisation: the most anomalous abnormal frame of each clip, heatmap and top cell drawn over it.
        foreach (var c in report.Clips.Where(c => c.PeakFrame >= 0 && c.PeakMap is not null))
        {
            using var cap = VideoCapture.Open(c.Uri);
            var w = cap.Width; var h = cap.Height;
            var bgr = new byte[w * h * 3];
            for (long i = 0; i < c.PeakFrame; i++) cap.Grab();
            if (cap.Read(bgr, w, h, PixelFormat.Bgr24) != FrameStatus.Ok) continue;
            var map = c.PeakMap!;
            Overlay.BlendHeatmap(bgr, w, h, map, cellsW, cellsH, 0.6f);
            var top = Array.IndexOf(map, map.Max());
            int cx = top % cellsW, cy = top / cellsW;
            int x0 = cx * w / cellsW, y0 = cy * h / cellsH, x1 = (cx + 1) * w / cellsW, y1 = (cy + 1) * h / cellsH;
            Overlay.DrawRectangle(bgr, w, h, x0, y0, x1 - x0, y1 - y0, BgrColor.Yellow, 2);
            Overlay.PutText(bgr, w, h, $"clip {c.Name} frame {c.PeakFrame} p={map.Max():0.00}", 4, 14, BgrColor.White, 0.45, 1, BgrColor.Black);
            File.WriteAllBytes(Path.Combine(outDir, $"snapshot_{FileName(c.Name)}_{c.PeakFrame:000}.jpg"), ImageCodec.EncodeJpeg(bgr, w, h, 90));
        }
        Console.WriteLine($"wrote {Path.GetFullPath(outDir)}: report.json, roc.png, clip_*.png, snapshot_*.jpg");
    }

    /// <summary>A clip name ("01", or "scene/clip" with several scenes) as part of a file name.</summary>
    private static string FileName(string clip) => clip.Replace('/', '_');
}
