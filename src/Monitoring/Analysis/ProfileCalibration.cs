using System.Globalization;

namespace Monitoring.Analysis;

/// <summary>
/// What makes the same model mean the same thing on any camera (decision 0014), learned by <c>learn</c> from the
/// camera's own normal footage, without labels:
/// <list type="bullet">
/// <item><see cref="FeatureScale"/>: per feature channel, the spread of the model's features on this camera. The
/// model's distance is taken in these units: the daemon feeds <c>profile_var</c> = per-cell variance +
/// eps·(scale² − 1), so the graph's <c>(f − mean)² / (var + eps)</c> becomes
/// <c>((f − mean)/scale)² / (var/scale² + eps)</c>, the per-camera standardised distance.</item>
/// <item><see cref="MapThreshold"/>: the region threshold (on <c>anomaly_map</c>) at which at most
/// <see cref="TargetFalseAlarmRate"/> of the camera's normal frames would have a cell above it, measured on
/// held-out footage (each fifth of the learned frames scored against a profile of the other four fifths) with an
/// exponential fit of the tail, so a rate below one in the number of learned frames is still estimated; the
/// largest of the five fifths' thresholds, so it holds for each stretch of the footage, not only on average, each
/// aimed at the target divided by <see cref="SafetyFactor"/>.</item>
/// <item><see cref="ScoreQuantiles"/>: the distribution of the held-out normal frame scores, so a frame score can
/// be read as a tail probability of this camera's normal footage (<see cref="TailProbability"/>).</item>
/// </list>
/// </summary>
public sealed record ProfileCalibration
{
    /// <summary>Learned frames below which the calibration cannot hold footage out: the threshold falls back to the model's default (<see cref="ModelHead.DefaultThreshold"/>).</summary>
    public const int MinHeldOutFrames = 250;
    /// <summary>The region threshold used when the camera's footage was too short to derive one, for models whose metadata names none (v1–v7; decision 0006).</summary>
    public const float FallbackThreshold = 0.9f;
    /// <summary>The share of the highest values the exponential tail is fitted to.</summary>
    public const double TailShare = 0.05;
    /// <summary>
    /// The threshold is derived for the target rate divided by this: normal footage after learning is rarely as quiet as
    /// the learned stretch (crowds, light), and on the validation scenes the undivided target was exceeded 3–8× (decision 0014).
    /// </summary>
    public const double SafetyFactor = 10;

    public required float[] FeatureScale { get; init; }
    /// <summary>The model's variance floor (metadata <c>calibration.eps</c>), needed to form the fed variance.</summary>
    public required float VarianceEps { get; init; }
    public required double TargetFalseAlarmRate { get; init; }
    public required float MapThreshold { get; init; }
    /// <summary>Frames scored for the calibration (learned frames after each run's first T−1, capped).</summary>
    public required long Frames { get; init; }
    /// <summary>True when the frames were scored against profiles that did not see them; false below <see cref="MinHeldOutFrames"/>.</summary>
    public required bool HeldOut { get; init; }
    /// <summary>Share of the calibration frames with a cell at or above <see cref="MapThreshold"/>.</summary>
    public required double AlertingFrameRate { get; init; }
    /// <summary>The 0th, 1st, … 100th percentile of the calibration frames' frame score (empty when the model has no head).</summary>
    public required float[] ScoreQuantiles { get; init; }
    /// <summary>Mean excess of the frame scores above their 95th percentile (the exponential tail's scale).</summary>
    public required float ScoreTailMean { get; init; }
    /// <summary>
    /// How this camera's model score reads while the window's past is still padding (a stream start or reconnect): null in
    /// profiles learned before it (their scores go into the frame score as they are) and when <c>learn</c> had no frames
    /// to synthesise such windows from (decision 0022).
    /// </summary>
    public WarmUpMap? WarmUp { get; init; }

    /// <summary>
    /// How the frame scores behind <see cref="ScoreQuantiles"/> were averaged, and so how the camera's frame score must be
    /// (decision 0023): absent (null) in profiles learned before it, which keep the plain mean.
    /// </summary>
    public ScoreSmoothing? ScoreSmoothing { get; init; }

    /// <summary><see cref="ScoreSmoothing"/>, with the plain mean for profiles learned before it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ScoreSmoothing Smoothing => ScoreSmoothing ?? Analysis.ScoreSmoothing.Mean;

    /// <summary>
    /// The model score of a window <paramref name="framesSinceStart"/> frames after its start, as the frame score takes it:
    /// while the past is padding, mapped onto the camera's scores with a real past (<see cref="WarmUpMap"/>); otherwise as it is.
    /// </summary>
    public float WarmUpAdjusted(float modelScore, long framesSinceStart) => WarmUp?.Map(modelScore, framesSinceStart) ?? modelScore;

    /// <summary>
    /// The share of this camera's normal frames whose frame score is at least <paramref name="frameScore"/>: from the
    /// percentiles up to the 95th, from the fitted exponential tail above it. NaN when there is no distribution.
    /// </summary>
    public double TailProbability(double frameScore)
    {
        var q = ScoreQuantiles;
        if (q.Length != 101) return double.NaN;
        var u = q[95];
        if (frameScore > u)
            return ScoreTailMean > 0 ? TailShare * Math.Exp(-(frameScore - u) / ScoreTailMean) : 0;
        if (frameScore <= q[0]) return 1;
        var i = 0;
        while (i < 95 && q[i + 1] < frameScore) i++;
        var span = q[i + 1] - q[i];
        var cdf = (i + (span > 0 ? (frameScore - q[i]) / span : 1)) / 100.0;
        return 1 - cdf;
    }

    /// <summary>
    /// The frame tail probability at or below which a frame alerts from its frame score (decision 0020): the target rate
    /// over <see cref="SafetyFactor"/>, as for the map threshold. Null (no frame-score alerts unless the config sets one)
    /// when the calibration did not hold footage out or the model has no frame-score distribution.
    /// </summary>
    public double? FrameTailThreshold => HeldOut && ScoreQuantiles.Length == 101 ? FrameTail ?? TargetFalseAlarmRate / SafetyFactor : null;

    /// <summary>
    /// The derived frame tail threshold (decision 0022): the tail probability of the largest of the five held-out fifths'
    /// own frame-score thresholds, each aimed at the target over <see cref="SafetyFactor"/> — the rule of
    /// <see cref="MapThreshold"/>, so that it holds for the busiest stretch of the learned footage, not only on average.
    /// Null in profiles learned before it: <see cref="FrameTailThreshold"/> is then the target over the safety factor.
    /// </summary>
    public double? FrameTail { get; init; }

    /// <summary><see cref="TailProbability"/>, or null when the profile has no frame-score distribution.</summary>
    public double? TailProbabilityOrNull(double frameScore) => TailProbability(frameScore) is var p && double.IsNaN(p) ? null : p;

    /// <summary>One line for logs and <c>learn</c>'s output.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var basis = HeldOut
            ? string.Create(c, $"{AlertingFrameRate * 100:0.##} % of {Frames} held-out learned frames reach it")
            : string.Create(c, $"fallback: only {Frames} frames learned, a held-out calibration needs {MinHeldOutFrames}");
        var frameScore = FrameTailThreshold is { } q
            ? string.Create(c, $"frame-score alerts at tail probability <= {q:0.######}; ")
            : "no frame-score alerts (no held-out frame-score distribution); ";
        var warmUp = WarmUp is { } w
            ? string.Create(c, $"stream starts read on the real-past scale ({w.Positions.Length} warm-up positions, {w.Samples} synthesised windows each") +
              (w.Agreement is { } a ? ", agreement " + string.Join(" ", a.Select(v => v.ToString("0.00", c))) : "") + "); "
            : "";
        var smoothing = Smoothing == Analysis.ScoreSmoothing.Exponential ? "frame score an exponential mean; " : "frame score a plain mean; ";
        return string.Create(c, $"threshold {MapThreshold:0.####} for {TargetFalseAlarmRate * 1000:0.###} alerting frame(s) per 1,000 normal frames ({basis}); ") +
               frameScore + smoothing + warmUp + "feature scale " + string.Join(" ", FeatureScale.Select(s => s.ToString("0.###", c)));
    }

    /// <summary>The per-cell variance as the model is fed it: <c>var + eps·(scale² − 1)</c> per channel.</summary>
    public float[] FedVariance(float[] var, int cells)
    {
        var fed = new float[var.Length];
        for (var i = 0; i < var.Length; i++)
        {
            var s = FeatureScale[i / cells];
            fed[i] = var[i] + VarianceEps * (s * s - 1f);
        }
        return fed;
    }
}
