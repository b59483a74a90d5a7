using System.Diagnostics;
using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;

namespace Monitoring.Evaluation;

/// <summary>
/// What <c>monitoring eval</c> does, as a library: per scene, learn a profile (with its calibration) from normal
/// clips, score test clips causally through the daemon's code path, measure. A test folder of clips is one scene;
/// a test folder of folders of clips is one scene per sub-folder, each learned from the train folder's sub-folder
/// of the same name.
/// </summary>
public sealed class Evaluator(AnomalyModel model, int batchSize)
{
    /// <summary>The frame stride to learn at; 0 (the default): chosen from the train clips' motion, as <c>learn</c> does.</summary>
    public int FrameStride { get; init; }
    /// <summary>How each scene's predictor is tuned on its train clips (decision 0021); Steps 0 keeps the model's own.</summary>
    public Monitoring.Tuning.TuningOptions Tuning { get; init; } = Monitoring.Tuning.TuningOptions.Default;

    public sealed record ClipResult(string Name, string Uri, double[] Scores, bool[] Labels, double Auc)
    {
        /// <summary>The most anomalous abnormal frame (for a localisation snapshot): index and its map.</summary>
        public long PeakFrame { get; init; } = -1;
        public float[]? PeakMap { get; init; }
        /// <summary>Per frame, the highest cell of the anomaly map (what region thresholds act on).</summary>
        public double[] MapPeaks { get; init; } = [];
        /// <summary>Per frame, the frame score's tail probability under the scene's learned normal footage.</summary>
        public double[] TailProbabilities { get; init; } = [];
        /// <summary>Per frame, true for the model's warm-up frames (padded past), on which the daemon never alerts.</summary>
        public bool[] WarmingUp { get; init; } = [];
        /// <summary>Per frame, true once the frame score's window holds no warm-up frame (frame-score alerts may fire; decision 0020).</summary>
        public bool[] ScoreSettled { get; init; } = [];
    }

    /// <summary>One scene: its profile's calibration, its clips and their AUCs, and the false alarms at the derived threshold.</summary>
    public sealed record SceneResult(
        string Name, int TrainClips, long TrainFrames, double LearnSeconds, double ScoreSeconds, ProfileCalibration Calibration,
        IReadOnlyList<ClipResult> Clips, double FrameAucMicro, double FrameAucClipNorm)
    {
        /// <summary>The frame stride the scene was learned and scored at, and how learning chose it.</summary>
        public int FrameStride { get; init; } = 1;
        public string? Motion { get; init; }

        /// <summary>
        /// Normal test frames (after the warm-up) that the daemon would alert on with the derived thresholds — a cell at or
        /// above the map threshold, or a settled frame score at or below the frame tail threshold — and all normal test frames.
        /// </summary>
        public (long Alerting, long Normal) FalseAlarms => CountFalseAlarms(Clips, Paths.Both);

        /// <summary>The same over the clips without any abnormal frame only (unseen normal footage, away from any anomaly).</summary>
        public (long Alerting, long Normal) FalseAlarmsInNormalClips => CountFalseAlarms(Clips.Where(c => !c.Labels.Any(l => l)), Paths.Both);

        /// <summary>
        /// Analysed frames after an abnormal frame within which a normal frame does not count as "away" from the anomaly:
        /// the model's score window (<see cref="AnomalyModel.ScoreWindow"/>), whose mean still holds the abnormal frame.
        /// </summary>
        public int AfterAnomalyFrames { get; init; } = 5;

        /// <summary>
        /// <see cref="FalseAlarms"/> over the normal frames more than <see cref="AfterAnomalyFrames"/> analysed frames after
        /// any abnormal frame of their clip: unseen normal footage whose frame score window holds no anomaly, the frames the
        /// issue's false-alarm target (≤ 1 per 1,000) is about. The frames just after an anomaly are inside an event's end
        /// grace in the daemon and are left out here.
        /// </summary>
        public (long Alerting, long Normal) FalseAlarmsAway => CountFalseAlarms(Clips, Paths.Both, AfterAnomalyFrames);

        /// <summary>Clips with an abnormal frame, and those where the daemon alerts on at least one abnormal frame (either path).</summary>
        public (int Alerted, int Anomalous) AnomalousClipsAlerted => CountAlertedClips(Paths.Both);

        /// <summary><see cref="AnomalousClipsAlerted"/> from the map threshold alone (the daemon before decision 0020).</summary>
        public (int Alerted, int Anomalous) AnomalousClipsAlertedMap => CountAlertedClips(Paths.Map);

        /// <summary><see cref="FalseAlarms"/> from the map threshold alone.</summary>
        public (long Alerting, long Normal) FalseAlarmsMap => CountFalseAlarms(Clips, Paths.Map);

        /// <summary><see cref="FalseAlarms"/> from the frame score alone.</summary>
        public (long Alerting, long Normal) FalseAlarmsFrameScore => CountFalseAlarms(Clips, Paths.FrameScore);

        /// <summary>Abnormal test frames the daemon would alert on (either path), and all abnormal test frames.</summary>
        public (long Alerting, long Abnormal) AlertedAnomalies
        {
            get
            {
                long alerting = 0, abnormal = 0;
                foreach (var c in Clips)
                    for (var i = 0; i < c.Labels.Length; i++)
                    {
                        if (!c.Labels[i] || c.WarmingUp[i]) continue;
                        abnormal++;
                        if (Alerts(c, i, Paths.Both)) alerting++;
                    }
                return (alerting, abnormal);
            }
        }

        [Flags]
        private enum Paths { Map = 1, FrameScore = 2, Both = 3 }

        private bool Alerts(ClipResult c, int i, Paths paths) =>
            (paths.HasFlag(Paths.Map) && c.MapPeaks[i] >= Calibration.MapThreshold) ||
            (paths.HasFlag(Paths.FrameScore) && c.ScoreSettled[i] && Calibration.FrameTailThreshold is { } q && c.TailProbabilities[i] <= q);

        /// <param name="awayFrom">When ≥ 0, only the normal frames more than this many frames after the clip's last abnormal frame before them.</param>
        private (long Alerting, long Normal) CountFalseAlarms(IEnumerable<ClipResult> clips, Paths paths, int awayFrom = -1)
        {
            long alerting = 0, normal = 0;
            foreach (var c in clips)
            {
                var lastAbnormal = int.MinValue / 2;
                for (var i = 0; i < c.Labels.Length; i++)
                {
                    if (c.Labels[i]) lastAbnormal = i;
                    if (c.Labels[i] || c.WarmingUp[i]) continue;
                    if (awayFrom >= 0 && i - lastAbnormal <= awayFrom) continue;
                    normal++;
                    if (Alerts(c, i, paths)) alerting++;
                }
            }
            return (alerting, normal);
        }

        private (int Alerted, int Anomalous) CountAlertedClips(Paths paths)
        {
            int alerted = 0, anomalous = 0;
            foreach (var c in Clips.Where(c => c.Labels.Any(l => l)))
            {
                anomalous++;
                if (Enumerable.Range(0, c.Labels.Length).Any(i => c.Labels[i] && !c.WarmingUp[i] && Alerts(c, i, paths))) alerted++;
            }
            return (alerted, anomalous);
        }
    }

    public sealed record Report(
        string Model, string ModelSha256, string ModelVersion, string Provider,
        int TrainClips, long TrainFrames, double LearnSeconds,
        int TestClips, long TestFrames, double ScoreSeconds,
        double FrameAucMicro, double FrameAucClipNorm, IReadOnlyList<ClipResult> Clips)
    {
        public IReadOnlyList<SceneResult> Scenes { get; init; } = [];
        /// <summary>More than one scene: clip names are "scene/clip".</summary>
        public bool MultiScene => Scenes.Count > 1 || Scenes.Count == 1 && Scenes[0].Name.Length > 0;
        /// <summary>Micro AUC of the pooled tail probabilities (comparable across scenes: each is calibrated on its own footage).</summary>
        public double FrameAucMicroCalibrated { get; init; } = double.NaN;
    }

    /// <summary>
    /// Learns a profile from <paramref name="train"/> as <c>learn</c> does (<see cref="ProfileLearner"/>, with <see cref="Tuning"/>);
    /// <paramref name="progress"/> gets (phase, done, expected). Returns the model to score with (dispose it when it is not
    /// this evaluator's).
    /// </summary>
    public (NormalityProfile Profile, AnomalyModel Model) Learn(IReadOnlyList<(string Name, string Uri)> train, string cameraId,
        Action<string, long, long>? progress, CancellationToken ct, out double seconds)
    {
        var learner = new ProfileLearner(model, batchSize) { FrameStride = FrameStride, Tuning = Tuning };
        var result = learner.Learn(train.Select(t => t.Uri).ToList(), cameraId, $"{train.Count} clip(s) from {Path.GetDirectoryName(train[0].Uri)}",
            progress, cancellation: ct);
        seconds = result.Seconds;
        return (result.Profile, result.Model);
    }

    /// <summary>
    /// The scenes of a test folder: itself when it holds clips (name ""), else each sub-folder that holds clips,
    /// in name order.
    /// </summary>
    public static IReadOnlyList<(string Name, string Path)> Scenes(string testDir)
    {
        if (!Directory.Exists(testDir)) throw new UsageException($"test folder '{testDir}' does not exist; check --test");
        if (HoldsClips(testDir)) return [("", testDir)];
        var scenes = Directory.GetDirectories(testDir).OrderBy(d => d, StringComparer.Ordinal)
            .Where(HoldsClips).Select(d => (Path.GetFileName(d), d)).ToList();
        if (scenes.Count == 0)
            throw new UsageException($"'{testDir}' holds no clips (video files or folders of numbered images) and no scene folders of clips; check --test");
        return scenes;
    }

    private static bool HoldsClips(string dir)
    {
        try
        {
            return SourceDiscovery.Expand(dir).Count > 0;
        }
        catch (UsageException)
        {
            return false;
        }
    }

    /// <summary>
    /// Labels of a scene's clips: the labels file's "scene/clip" entries (or, for a single scene, its "clip" entries),
    /// else the scene folder's own labels.json.
    /// </summary>
    private static Func<string, (bool Has, Func<long, bool> IsAbnormal)> LabelsFor(FrameLabels labels, string scene, string scenePath)
    {
        FrameLabels? own = null;
        var ownPath = Path.Combine(scenePath, "labels.json");
        if (scene.Length > 0 && File.Exists(ownPath)) own = FrameLabels.Load(ownPath);
        return clip =>
        {
            var key = scene.Length > 0 ? $"{scene}/{clip}" : clip;
            if (labels.Has(key)) return (true, f => labels.IsAbnormal(key, f));
            if (own is not null && own.Has(clip)) return (true, f => own.IsAbnormal(clip, f));
            return (false, _ => false);
        };
    }

    /// <summary>
    /// Learns and scores every scene; <paramref name="progress"/> gets (phase: "learn", "score", or "learn SCENE" …,
    /// frames done, frames expected in the phase).
    /// </summary>
    public Report Run(string trainDir, string testDir, FrameLabels labels, Action<string, long, long>? progress, CancellationToken ct)
    {
        var scenes = Scenes(testDir);
        var results = new List<SceneResult>();
        foreach (var (scene, scenePath) in scenes)
        {
            var sceneTrain = scene.Length == 0 ? trainDir : Path.Combine(trainDir, scene);
            if (scene.Length > 0 && !Directory.Exists(sceneTrain))
                throw new UsageException(
                    $"--test '{testDir}' has scene folders ({string.Join(", ", scenes.Select(s => s.Name))}); --train needs one of the same name " +
                    $"with that scene's normal clips, and '{sceneTrain}' does not exist");
            results.Add(RunScene(scene, sceneTrain, scenePath, labels, progress, ct));
        }
        var clips = results.SelectMany(r => r.Clips).ToList();
        var allScores = clips.SelectMany(c => c.Scores).ToList();
        var allLabels = clips.SelectMany(c => c.Labels).ToList();
        var clipOf = clips.SelectMany((c, i) => Enumerable.Repeat(i, c.Labels.Length)).ToList();
        var micro = RocAuc.Compute(allScores, allLabels);
        var clipNorm = RocAuc.Compute(RocAuc.ClipNormalised(allScores, clipOf), allLabels);
        var calibrated = RocAuc.Compute(clips.SelectMany(c => c.TailProbabilities.Select(p => -p)).ToList(), allLabels);
        return new Report(model.Path, model.Sha256, model.Version, model.ActiveProvider.ToString(),
            results.Sum(r => r.TrainClips), results.Sum(r => r.TrainFrames), results.Sum(r => r.LearnSeconds),
            clips.Count, allScores.Count, results.Sum(r => r.ScoreSeconds), micro, clipNorm, clips)
        {
            Scenes = results,
            FrameAucMicroCalibrated = calibrated,
        };
    }

    private SceneResult RunScene(string scene, string trainDir, string testDir, FrameLabels labels, Action<string, long, long>? progress, CancellationToken ct)
    {
        var train = SourceDiscovery.Expand(trainDir);
        var lookup = LabelsFor(labels, scene, testDir);
        var found = SourceDiscovery.Expand(testDir);
        var test = found.Where(t => lookup(t.Name).Has).ToList();
        var prefix = scene.Length > 0 ? scene + "/" : "";
        if (test.Count == 0)
            throw new UsageException(
                $"no clip under '{testDir}' has labels in the labels file{(scene.Length > 0 ? $" (as \"{prefix}CLIP\") or in {Path.Combine(testDir, "labels.json")}" : "")} " +
                $"(clips there: {string.Join(", ", found.Select(t => t.Name))})");
        var isAbnormal = test.Select(t => lookup(t.Name).IsAbnormal).ToArray();
        var phase = scene.Length > 0 ? $" {scene}" : "";
        var (profile, camera) = Learn(train, "eval", (step, n, total) => progress?.Invoke(step + phase, n, total), ct, out var learnSeconds);
        try
        {
            return Score(scene, test, isAbnormal, prefix, phase, trainDir, train.Count, profile, camera, learnSeconds, progress, ct);
        }
        finally
        {
            if (!ReferenceEquals(camera, model)) camera.Dispose();
        }
    }

    private SceneResult Score(string scene, List<(string Name, string Uri)> test, Func<long, bool>[] isAbnormal, string prefix, string phase,
        string trainDir, int trainClips, NormalityProfile profile, AnomalyModel camera, double learnSeconds,
        Action<string, long, long>? progress, CancellationToken ct)
    {
        var calibration = profile.Calibration;

        var scores = test.Select(_ => new List<double>()).ToArray();
        var indices = test.Select(_ => new List<long>()).ToArray();
        var mapPeaks = test.Select(_ => new List<double>()).ToArray();
        var warm = test.Select(_ => new List<bool>()).ToArray();
        var settled = test.Select(_ => new List<bool>()).ToArray();
        var span = (model.T - 1) * profile.FrameStride + 1;
        var scoreWindow = model.CreateScoreSmoother(profile).Window;
        var peak = new (double Score, long Frame, float[]? Map)[test.Count];
        for (var i = 0; i < peak.Length; i++) peak[i] = (double.NegativeInfinity, -1, null);
        var runner = new ClipRunner(camera, batchSize);
        var testUris = test.Select(t => t.Uri).ToList();
        var testTotal = progress is null ? 0 : runner.ExpectedFrames(testUris);
        var clock = Stopwatch.StartNew();
        runner.Run(testUris, profile, (clip, frame, batch, slot, frameScore) =>
        {
            var s = frameScore;
            scores[clip].Add(s);
            var map = batch.AnomalyMapOf(slot);
            var top = 0f;
            foreach (var v in map) top = Math.Max(top, v);
            mapPeaks[clip].Add(top);
            warm[clip].Add(scores[clip].Count < span);
            settled[clip].Add(scores[clip].Count >= span + scoreWindow - 1); // as the daemon's analyser decides it
            indices[clip].Add(frame);
            if (s > peak[clip].Score && isAbnormal[clip](frame))
                peak[clip] = (s, frame, batch.AnomalyMapOf(slot).ToArray());
        }, n => progress?.Invoke("score" + phase, n, testTotal), ct);
        var scoreSeconds = clock.Elapsed.TotalSeconds;

        var clips = new List<ClipResult>();
        var allScores = new List<double>();
        var allLabels = new List<bool>();
        var clipOf = new List<int>();
        for (var c = 0; c < test.Count; c++)
        {
            var lab = indices[c].Select(f => isAbnormal[c](f)).ToArray();
            clips.Add(new ClipResult(prefix + test[c].Name, test[c].Uri, scores[c].ToArray(), lab, RocAuc.Compute(scores[c], lab))
            {
                PeakFrame = peak[c].Frame,
                PeakMap = peak[c].Map,
                MapPeaks = mapPeaks[c].ToArray(),
                TailProbabilities = scores[c].Select(calibration.TailProbability).ToArray(),
                WarmingUp = warm[c].ToArray(),
                ScoreSettled = settled[c].ToArray(),
            });
            allScores.AddRange(scores[c]);
            allLabels.AddRange(lab);
            clipOf.AddRange(Enumerable.Repeat(c, lab.Length));
        }
        var micro = RocAuc.Compute(allScores, allLabels);
        var clipNorm = RocAuc.Compute(RocAuc.ClipNormalised(allScores, clipOf), allLabels);
        return new SceneResult(scene, trainClips, profile.Frames, learnSeconds, scoreSeconds, calibration, clips, micro, clipNorm)
        {
            FrameStride = profile.FrameStride,
            Motion = profile.Motion,
            AfterAnomalyFrames = model.ScoreWindow,
        };
    }
}
