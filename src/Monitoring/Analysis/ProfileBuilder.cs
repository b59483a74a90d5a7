using Monitoring.Configuration;

namespace Monitoring.Analysis;

/// <summary>
/// Learns a camera's profile: streaming per-element mean and population variance (Welford) of the model's per-cell
/// features, plus the camera's <see cref="ProfileCalibration"/> from the same frames (kept, up to
/// <see cref="MaxCalibrationFrames"/>, and scored held-out when the profile is built).
/// </summary>
public sealed class ProfileBuilder
{
    /// <summary>Frames kept for the calibration (≈ 6 KB each for the committed model); later frames only update the statistics.</summary>
    public const int MaxCalibrationFrames = 12_000;
    /// <summary>The calibration scores each fifth of the frames against a profile of the other four.</summary>
    public const int Folds = 5;

    private readonly double[] _mean;
    private readonly double[] _m2;
    // Frame: the frame's index in its run; Position: frames since the run's start while the past is padding, else 0.
    private readonly List<(int Run, int Frame, int Position, float[] Features)> _kept = [];
    private readonly List<(int Position, int Run, int Frame, float[] Features)> _warmUp = [];
    private readonly Dictionary<int, int> _runFrames = [];
    private readonly int _warmUpFrames;

    /// <summary>A builder for features the model computed at frame stride <paramref name="stride"/> (its window then warms up over (T − 1)·stride frames).</summary>
    public ProfileBuilder(AnomalyModel model, int stride = 1, string? motion = null) : this(model.D, model.CellsH, model.CellsW, (model.T - 1) * stride)
    {
        Stride = stride;
        Motion = motion;
    }

    public ProfileBuilder(int d, int cellsH, int cellsW, int warmUpFrames = 0)
    {
        D = d; CellsH = cellsH; CellsW = cellsW;
        _warmUpFrames = warmUpFrames;
        _mean = new double[d * cellsH * cellsW];
        _m2 = new double[_mean.Length];
    }

    public int D { get; }
    /// <summary>The frame stride the features were computed at (it goes into the profile).</summary>
    public int Stride { get; } = 1;
    /// <summary>How the stride was chosen (<see cref="MotionScale.Decide"/>), for the profile.</summary>
    public string? Motion { get; }
    public int CellsH { get; }
    public int CellsW { get; }
    public long Count { get; private set; }

    /// <summary>
    /// Adds one analysed frame's features. <paramref name="run"/> names a stretch of consecutive frames (a clip, or
    /// a camera between reconnects): its first T−1 frames are the model's warm-up (padded past) and are not used
    /// for the calibration, and the frame score is averaged within a run only.
    /// </summary>
    public void Add(ReadOnlySpan<float> features, int run = 0)
    {
        if (features.Length != _mean.Length)
            throw new ArgumentException($"features hold {features.Length} values, the profile {_mean.Length}", nameof(features));
        Count++;
        var inv = 1.0 / Count;
        for (var i = 0; i < _mean.Length; i++)
        {
            double x = features[i];
            var delta = x - _mean[i];
            _mean[i] += delta * inv;
            _m2[i] += delta * (x - _mean[i]);
        }
        var inRun = _runFrames.GetValueOrDefault(run);
        _runFrames[run] = inRun + 1;
        if (_kept.Count < MaxCalibrationFrames) _kept.Add((run, inRun, inRun < _warmUpFrames ? inRun + 1 : 0, features.ToArray()));
    }

    /// <summary>Windows the warm-up map was synthesised from so far (<see cref="AddWarmUp"/>).</summary>
    public int WarmUpWindows => _warmUp.Count;

    /// <summary>
    /// Adds the features of a synthesised window <paramref name="position"/> frames after a start (its past padding, built
    /// from learned frames: <see cref="ProfileLearner.AddWarmUpWindows"/>). They go into the calibration's
    /// <see cref="WarmUpMap"/> only, never into the statistics.
    /// </summary>
    public void AddWarmUp(int position, ReadOnlySpan<float> features, int run = -1, int frame = -1)
    {
        if (features.Length != _mean.Length)
            throw new ArgumentException($"features hold {features.Length} values, the profile {_mean.Length}", nameof(features));
        ArgumentOutOfRangeException.ThrowIfLessThan(position, 1);
        _warmUp.Add((position, run, frame, features.ToArray()));
    }

    /// <summary>The per-element mean and population variance so far.</summary>
    public (float[] Mean, float[] Var) Statistics()
    {
        var mean = new float[_mean.Length];
        var var = new float[_mean.Length];
        for (var i = 0; i < mean.Length; i++)
        {
            mean[i] = (float)_mean[i];
            var[i] = Count == 0 ? 0f : (float)(_m2[i] / Count);
        }
        return (mean, var);
    }

    public NormalityProfile Build(string cameraId, AnomalyModel model, string source, double falseAlarmRate = CameraOptions.DefaultFalseAlarmRate)
    {
        if (Count == 0) throw new ProfileException($"No frame was analysed for camera '{cameraId}' from {source}; nothing to learn from.");
        var (mean, var) = Statistics();
        return new NormalityProfile
        {
            CameraId = cameraId, ModelSha256 = model.Sha256, ModelVersion = model.Version,
            D = D, CellsH = CellsH, CellsW = CellsW, Frames = Count, CreatedUtc = DateTimeOffset.UtcNow,
            Source = source, Mean = mean, Var = var, FrameStride = Stride, Motion = Motion,
            Calibration = Calibrate(model.Head, model.ScoreWindow * Stride, falseAlarmRate),
        };
    }

    /// <summary>The calibration of the kept frames under <paramref name="head"/> (null: scale 1 and the fallback threshold).</summary>
    public ProfileCalibration Calibrate(ModelHead? head, int scoreWindow, double falseAlarmRate)
    {
        if (!(falseAlarmRate is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(falseAlarmRate), falseAlarmRate, "use a rate in (0, 1), e.g. 0.001");
        int cells = CellsH * CellsW, length = _mean.Length, n = _kept.Count;
        // Frames of a run stay together and in order; runs in the order they started.
        var order = _kept.Select((k, i) => (k.Run, i)).OrderBy(k => k.Run).ThenBy(k => k.i).Select(k => _kept[k.i]).ToList();

        var s1 = new double[length];
        var s2 = new double[length];
        var foldOf = new int[n];
        var f1 = new double[Folds][];
        var f2 = new double[Folds][];
        var foldCount = new int[Folds];
        for (var k = 0; k < Folds; k++) { f1[k] = new double[length]; f2[k] = new double[length]; }
        for (var t = 0; t < n; t++)
        {
            var fold = foldOf[t] = (int)((long)t * Folds / n);
            foldCount[fold]++;
            var f = order[t].Features;
            for (var i = 0; i < length; i++)
            {
                double x = f[i];
                f1[fold][i] += x; f2[fold][i] += x * x;
            }
        }
        for (var k = 0; k < Folds; k++)
            for (var i = 0; i < length; i++) { s1[i] += f1[k][i]; s2[i] += f2[k][i]; }

        // Per channel: the spread of the features over every cell and frame of this camera.
        var scale = new float[D];
        for (var d = 0; d < D; d++)
        {
            double m = 0, q = 0;
            for (var c = 0; c < cells; c++) { m += s1[d * cells + c]; q += s2[d * cells + c]; }
            m /= (double)n * cells;
            q /= (double)n * cells;
            scale[d] = head is null ? 1f : (float)Math.Sqrt(Math.Max(q - m * m, 1e-4));
        }
        if (head is null)
            return new ProfileCalibration
            {
                FeatureScale = scale, VarianceEps = 0, TargetFalseAlarmRate = falseAlarmRate, MapThreshold = ProfileCalibration.FallbackThreshold,
                Frames = 0, HeldOut = false, AlertingFrameRate = double.NaN, ScoreQuantiles = [], ScoreTailMean = 0,
            };

        var warmUp = WarmUpMapOf(head, s1, s2, scale, order, n);
        var heldOut = n >= ProfileCalibration.MinHeldOutFrames;
        var foldMean = new double[length];
        var foldVar = new double[length];
        var s = new float[cells];
        var peaks = new List<float>(n);
        var peakFold = new List<int>(n);
        var scores = new List<float>(n);
        var scoreFold = new List<int>(n);
        var smoother = new ScoreSmoother(scoreWindow, ScoreSmoother.Learned);
        var previousRun = int.MinValue;
        var currentFold = -1;
        for (var t = 0; t < n; t++)
        {
            if (foldOf[t] != currentFold)
            {
                currentFold = foldOf[t];
                var rest = heldOut ? n - foldCount[currentFold] : n;
                for (var i = 0; i < length; i++)
                {
                    var a1 = heldOut ? s1[i] - f1[currentFold][i] : s1[i];
                    var a2 = heldOut ? s2[i] - f2[currentFold][i] : s2[i];
                    var mu = a1 / rest;
                    var sc = scale[i / cells];
                    foldMean[i] = mu;
                    foldVar[i] = Math.Max(a2 / rest - mu * mu, 0) + head.Eps * (sc * sc - 1);
                }
            }
            var (run, _, position, features) = order[t];
            head.Distances(features, foldMean, foldVar, s);
            var raw = head.Score(s);
            // As the daemon forms it: a window with a padded past counts on the real-past scale.
            if (warmUp is not null) raw = warmUp.Map(raw, position);
            var score = smoother.Add(raw, run != previousRun);
            previousRun = run;
            if (position > 0) continue;
            var peak = float.NegativeInfinity;
            foreach (var v in s) peak = MathF.Max(peak, v);
            peaks.Add(peak);
            peakFold.Add(currentFold);
            scores.Add(score);
            scoreFold.Add(currentFold);
        }

        float threshold;
        double alerting;
        if (heldOut && peaks.Count > 0)
        {
            // The threshold must hold for every fifth of the footage, not only on average: the largest of the folds' own,
            // each aimed at a tenth of the target so that it still holds on footage busier than the learned stretch.
            var at = Enumerable.Range(0, Folds)
                .Select(k => peaks.Where((_, i) => peakFold[i] == k).ToList())
                .Where(p => p.Count > 0)
                .Max(p => UpperTail(p, falseAlarmRate / ProfileCalibration.SafetyFactor));
            threshold = Math.Clamp(head.Map(at), 1e-4f, 1f);
            alerting = peaks.Count(p => head.Map(p) >= threshold) / (double)peaks.Count;
        }
        else
        {
            threshold = head.DefaultThreshold;
            alerting = peaks.Count == 0 ? double.NaN : peaks.Count(p => head.Map(p) >= threshold) / (double)peaks.Count;
        }
        var (quantiles, tailMean) = Quantiles(scores);
        var calibration = new ProfileCalibration
        {
            FeatureScale = scale, VarianceEps = head.Eps, TargetFalseAlarmRate = falseAlarmRate, MapThreshold = threshold,
            Frames = peaks.Count, HeldOut = heldOut && peaks.Count > 0, AlertingFrameRate = alerting,
            ScoreQuantiles = quantiles, ScoreTailMean = tailMean, WarmUp = warmUp, ScoreSmoothing = ScoreSmoother.Learned,
        };
        if (!calibration.HeldOut || quantiles.Length != 101) return calibration;
        // The frame score's threshold by the map threshold's rule: each fifth's own, the largest, read as a tail probability
        // of the whole distribution (never above the target over the safety factor).
        var target = falseAlarmRate / ProfileCalibration.SafetyFactor;
        var scoreAt = Enumerable.Range(0, Folds)
            .Select(k => scores.Where((_, i) => scoreFold[i] == k).ToList())
            .Where(f => f.Count > 0)
            .Max(f => UpperTail(f, target));
        return calibration with { FrameTail = Math.Min(target, calibration.TailProbability(scoreAt)) };
    }

    /// <summary>Fewest synthesised windows per position, and learned real-past frames, a warm-up map is made from.</summary>
    public const int MinWarmUpSamples = 32;

    /// <summary>
    /// The <see cref="WarmUpMap"/> of the synthesised windows (<see cref="AddWarmUp"/>): their scores and the kept real-past
    /// frames' scores, both against the full profile; null without enough of either, or with a position missing.
    /// </summary>
    private WarmUpMap? WarmUpMapOf(ModelHead head, double[] s1, double[] s2, float[] scale, List<(int Run, int Frame, int Position, float[] Features)> order, int n)
    {
        if (_warmUp.Count == 0) return null;
        int cells = CellsH * CellsW, length = _mean.Length;
        var mean = new double[length];
        var var = new double[length];
        for (var i = 0; i < length; i++)
        {
            var mu = s1[i] / n;
            var sc = scale[i / cells];
            mean[i] = mu;
            var[i] = Math.Max(s2[i] / n - mu * mu, 0) + head.Eps * (sc * sc - 1);
        }
        var s = new float[cells];
        float Score(float[] features)
        {
            head.Distances(features, mean, var, s);
            return head.Score(s);
        }
        var realOf = new Dictionary<(int Run, int Frame), float>();
        foreach (var k in order.Where(k => k.Position == 0)) realOf[(k.Run, k.Frame)] = Score(k.Features);
        var positions = _warmUp.Max(w => w.Position);
        var byPosition = new List<float>[positions];
        var pairs = new List<(float Padded, float Real)>[positions];
        for (var p = 0; p < positions; p++) { byPosition[p] = []; pairs[p] = []; }
        foreach (var (position, run, frame, features) in _warmUp)
        {
            var score = Score(features);
            byPosition[position - 1].Add(score);
            if (realOf.TryGetValue((run, frame), out var real)) pairs[position - 1].Add((score, real));
        }
        var fewest = byPosition.Min(p => p.Count);
        if (realOf.Count < MinWarmUpSamples || fewest < MinWarmUpSamples) return null;
        return new WarmUpMap
        {
            Reference = WarmUpMap.Percentiles(realOf.Values),
            Positions = byPosition.Select(WarmUpMap.Percentiles).ToArray(),
            Samples = fewest,
            // How far a start's rank among starts tells the same frame's rank with a real past (none known: fully).
            Agreement = pairs.Select(p => p.Count >= MinWarmUpSamples ? (float)Math.Clamp(WarmUpMap.RankCorrelation(p), 0, 1) : 1f).ToArray(),
        };
    }

    /// <summary>
    /// The value that at most <paramref name="rate"/> of a distribution exceeds, given a sample of it: the larger of
    /// the sample's own (1 − rate) point and an exponential fit to its top <see cref="ProfileCalibration.TailShare"/>
    /// (which reaches rates below one in the sample size).
    /// </summary>
    internal static float UpperTail(IReadOnlyList<float> sample, double rate)
    {
        var sorted = sample.OrderBy(v => v).ToArray();
        var n = sorted.Length;
        var allowed = (int)Math.Floor(rate * n);
        var empirical = sorted[Math.Clamp(n - 1 - allowed, 0, n - 1)];
        // Strictly above the allowed frames' value, so that a map compared with ">=" lets only those through.
        empirical = MathF.BitIncrement(empirical);
        if (rate >= ProfileCalibration.TailShare) return empirical;
        var u = sorted[(int)Math.Floor((1 - ProfileCalibration.TailShare) * (n - 1))];
        double excess = 0;
        var count = 0;
        foreach (var v in sorted) if (v > u) { excess += v - u; count++; }
        if (count == 0) return empirical;
        var tail = u + excess / count * Math.Log(ProfileCalibration.TailShare / rate);
        return MathF.Max(empirical, (float)tail);
    }

    private static (float[] Quantiles, float TailMean) Quantiles(List<float> values)
    {
        if (values.Count == 0) return ([], 0);
        var q = WarmUpMap.Percentiles(values);
        double excess = 0;
        var count = 0;
        foreach (var v in values) if (v > q[95]) { excess += v - q[95]; count++; }
        return (q, count == 0 ? 0 : (float)(excess / count));
    }
}
