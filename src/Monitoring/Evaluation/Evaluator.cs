using System.Diagnostics;
using Monitoring.Analysis;
using Monitoring.Cli;

namespace Monitoring.Evaluation;

/// <summary>What <c>monitoring eval</c> does, as a library: learn a profile from normal clips, score test clips causally, measure.</summary>
public sealed class Evaluator(AnomalyModel model, int batchSize)
{
    public sealed record ClipResult(string Name, string Uri, double[] Scores, bool[] Labels, double Auc)
    {
        /// <summary>The most anomalous abnormal frame (for a localisation snapshot): index and its map.</summary>
        public long PeakFrame { get; init; } = -1;
        public float[]? PeakMap { get; init; }
        /// <summary>Per frame, the highest cell of the anomaly map (what region thresholds act on).</summary>
        public double[] MapPeaks { get; init; } = [];
    }

    public sealed record Report(
        string Model, string ModelSha256, string ModelVersion, string Provider,
        int TrainClips, long TrainFrames, double LearnSeconds,
        int TestClips, long TestFrames, double ScoreSeconds,
        double FrameAucMicro, double FrameAucClipNorm, IReadOnlyList<ClipResult> Clips);

    public NormalityProfile Learn(IReadOnlyList<(string Name, string Uri)> train, string cameraId, Action<long>? progress, CancellationToken ct,
        out double seconds)
    {
        var builder = new ProfileBuilder(model);
        var clock = Stopwatch.StartNew();
        new ClipRunner(model, batchSize).Run(train.Select(t => t.Uri).ToList(), null,
            (_, _, batch, slot, _) => builder.Add(batch.FeaturesOf(slot)), progress, ct);
        seconds = clock.Elapsed.TotalSeconds;
        return builder.Build(cameraId, model, $"{train.Count} clip(s) from {Path.GetDirectoryName(train[0].Uri)}");
    }

    public Report Run(string trainDir, string testDir, FrameLabels labels, Action<string, long>? progress, CancellationToken ct)
    {
        var train = SourceDiscovery.Expand(trainDir);
        var test = SourceDiscovery.Expand(testDir).Where(t => labels.Has(t.Name)).ToList();
        if (test.Count == 0)
            throw new UsageException($"no clip under '{testDir}' has labels in the labels file (clips there: {string.Join(", ", SourceDiscovery.Expand(testDir).Select(t => t.Name))})");
        var profile = Learn(train, "eval", n => progress?.Invoke("learn", n), ct, out var learnSeconds);

        var scores = test.Select(_ => new List<double>()).ToArray();
        var indices = test.Select(_ => new List<long>()).ToArray();
        var mapPeaks = test.Select(_ => new List<double>()).ToArray();
        var peak = new (double Score, long Frame, float[]? Map)[test.Count];
        for (var i = 0; i < peak.Length; i++) peak[i] = (double.NegativeInfinity, -1, null);
        var clock = Stopwatch.StartNew();
        new ClipRunner(model, batchSize).Run(test.Select(t => t.Uri).ToList(), profile, (clip, frame, batch, slot, frameScore) =>
        {
            var s = frameScore;
            scores[clip].Add(s);
            var map = batch.AnomalyMapOf(slot);
            var top = 0f;
            foreach (var v in map) top = Math.Max(top, v);
            mapPeaks[clip].Add(top);
            indices[clip].Add(frame);
            if (s > peak[clip].Score && labels.IsAbnormal(test[clip].Name, frame))
                peak[clip] = (s, frame, batch.AnomalyMapOf(slot).ToArray());
        }, n => progress?.Invoke("score", n), ct);
        var scoreSeconds = clock.Elapsed.TotalSeconds;

        var clips = new List<ClipResult>();
        var allScores = new List<double>();
        var allLabels = new List<bool>();
        var clipOf = new List<int>();
        for (var c = 0; c < test.Count; c++)
        {
            var lab = indices[c].Select(f => labels.IsAbnormal(test[c].Name, f)).ToArray();
            clips.Add(new ClipResult(test[c].Name, test[c].Uri, scores[c].ToArray(), lab, RocAuc.Compute(scores[c], lab))
            {
                PeakFrame = peak[c].Frame,
                PeakMap = peak[c].Map,
                MapPeaks = mapPeaks[c].ToArray(),
            });
            allScores.AddRange(scores[c]);
            allLabels.AddRange(lab);
            clipOf.AddRange(Enumerable.Repeat(c, lab.Length));
        }
        var micro = RocAuc.Compute(allScores, allLabels);
        var clipNorm = RocAuc.Compute(RocAuc.ClipNormalised(allScores, clipOf), allLabels);
        return new Report(model.Path, model.Sha256, model.Version, model.ActiveProvider.ToString(),
            train.Count, profile.Frames, learnSeconds, test.Count, allScores.Count, scoreSeconds, micro, clipNorm, clips);
    }
}
