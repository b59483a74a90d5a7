namespace Monitoring.Analysis;

/// <summary>
/// The model score of a window whose past is padding, put on the scale of windows with a real past (decision 0022).
/// For the first frames after a stream start the model sees the first frame repeated, so the next frame's ordinary motion
/// reads as a large prediction error (models/README.md, "Fourteenth session"). <c>learn</c> synthesises such windows from
/// the camera's own normal frames, for every position a start can leave the window in, and keeps the percentiles of their
/// scores beside the percentiles of its real-past scores (both against the camera's full profile), and per position how
/// far a start's rank tells the same frame's rank with a real past (<see cref="Agreement"/>). A padded window's score is
/// then replaced by the real-past score at its percentile among the starts, drawn towards the median by that agreement:
/// a start that is as busy as a normal start reads as a normal frame, one that is busier than any normal start keeps its
/// excess (scaled by the two distributions' top deciles), so an anomaly present from the first frame still scores high.
/// </summary>
public sealed record WarmUpMap
{
    /// <summary>The 0th, 1st, … 100th percentile of the model scores of learned windows with a real past.</summary>
    public required float[] Reference { get; init; }
    /// <summary>Per position (index 0: the first frame after a start; <see cref="FrameWindow.FramesSinceStart"/> − 1), the 0th … 100th percentile of the model scores of synthesised windows at that position.</summary>
    public required float[][] Positions { get; init; }
    /// <summary>Synthesised windows per position the percentiles come from.</summary>
    public required int Samples { get; init; }
    /// <summary>
    /// Per position, the rank correlation (Spearman, 0 to 1) between a synthesised start's score and the same learned
    /// frame's score with its real past: how much a start's percentile says about the frame. A percentile is drawn
    /// towards the median by it (0: every start reads as the median frame; 1: as its own percentile). Null: 1.
    /// </summary>
    public float[]? Agreement { get; init; }

    /// <summary>
    /// Whether the map is what <c>learn</c> writes (checked when a profile is loaded): 101 finite ascending percentiles for the
    /// real past and for each position, a multiple of <paramref name="stride"/> positions, and an agreement in [0, 1] per position.
    /// </summary>
    public bool IsWellFormed(int stride)
    {
        static bool Percentiles(float[]? q)
        {
            if (q is null || q.Length != 101) return false;
            for (var i = 0; i < q.Length; i++)
                if (!float.IsFinite(q[i]) || i > 0 && q[i] < q[i - 1]) return false;
            return true;
        }
        return Percentiles(Reference) && Positions is { Length: > 0 } && Positions.Length % stride == 0 && Positions.All(Percentiles)
               && Samples > 0 && (Agreement is null || Agreement.Length == Positions.Length && Agreement.All(a => a is >= 0 and <= 1));
    }

    /// <summary><paramref name="modelScore"/> of a window <paramref name="framesSinceStart"/> frames after a start, mapped (as it is past the warm-up).</summary>
    public float Map(float modelScore, long framesSinceStart)
    {
        if (framesSinceStart < 1 || framesSinceStart > Positions.Length || Reference.Length != 101) return modelScore;
        var q = Positions[framesSinceStart - 1];
        if (q.Length != 101 || float.IsNaN(modelScore)) return modelScore;
        var r = Reference;
        var rho = Agreement is { } a && a.Length == Positions.Length ? Math.Clamp(a[framesSinceStart - 1], 0f, 1f) : 1f;
        if (modelScore <= q[0]) return At(0);
        if (modelScore >= q[100])
        {
            // Beyond every synthesised start: keep the excess, in units of the top deciles' spread.
            var padded = q[100] - q[90];
            var real = r[100] - r[90];
            var slope = padded > 0 && real > 0 ? real / padded : 1f;
            return At(100) + (modelScore - q[100]) * slope;
        }
        // The last percentile at or below the score (flat runs of equal percentiles: their top).
        int lo = 0, hi = 100;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (q[mid] <= modelScore) lo = mid; else hi = mid;
        }
        var span = q[hi] - q[lo];
        return At(lo + (span > 0 ? (modelScore - q[lo]) / span : 0f));

        // The real-past score at percentile `at` of the starts, drawn towards the median by the position's agreement.
        float At(float at)
        {
            at = 50f + rho * (at - 50f);
            var i = Math.Min((int)at, 99);
            return r[i] + (at - i) * (r[i + 1] - r[i]);
        }
    }

    /// <summary>Spearman's rank correlation of the pairs (average ranks for ties); 0 for fewer than 3 pairs or no spread.</summary>
    public static double RankCorrelation(IReadOnlyList<(float A, float B)> pairs)
    {
        if (pairs.Count < 3) return 0;
        var ra = Ranks(pairs.Select(p => p.A).ToArray());
        var rb = Ranks(pairs.Select(p => p.B).ToArray());
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            double x = ra[i] - ma, y = rb[i] - mb;
            sab += x * y; saa += x * x; sbb += y * y;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : 0;
    }

    private static double[] Ranks(float[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>The 0th … 100th percentile of <paramref name="values"/> (linear between order statistics); empty for none.
    /// Also the calibration's frame-score percentiles (<see cref="ProfileCalibration.ScoreQuantiles"/>).</summary>
    public static float[] Percentiles(IReadOnlyCollection<float> values)
    {
        if (values.Count == 0) return [];
        var sorted = values.Order().ToArray();
        var q = new float[101];
        for (var p = 0; p <= 100; p++)
        {
            var x = p / 100.0 * (sorted.Length - 1);
            var lo = (int)Math.Floor(x);
            var hi = Math.Min(lo + 1, sorted.Length - 1);
            q[p] = (float)(sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]));
        }
        return q;
    }
}
