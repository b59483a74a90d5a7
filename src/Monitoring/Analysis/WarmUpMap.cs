namespace Monitoring.Analysis;

/// <summary>
/// The model score of a window whose past is padding, put on the scale of windows with a real past (decision 0022).
/// For the first frames after a stream start the model sees the first frame repeated, so the next frame's ordinary motion
/// reads as a large prediction error (models/README.md, "Fourteenth session"). <c>learn</c> synthesises such windows from
/// the camera's own normal frames, for every position a start can leave the window in, and keeps the percentiles of their
/// scores beside the percentiles of its real-past scores (both against the camera's full profile). A padded window's
/// score is then replaced by the real-past score of the same percentile: a start that is as busy as a normal start reads
/// as a normal frame, one that is busier than any normal start keeps its excess (scaled by the two distributions' top
/// deciles), so an anomaly present from the first frame still scores high.
/// </summary>
public sealed record WarmUpMap
{
    /// <summary>The 0th, 1st, … 100th percentile of the model scores of learned windows with a real past.</summary>
    public required float[] Reference { get; init; }
    /// <summary>Per position (index 0: the first frame after a start; <see cref="FrameWindow.FramesSinceStart"/> − 1), the 0th … 100th percentile of the model scores of synthesised windows at that position.</summary>
    public required float[][] Positions { get; init; }
    /// <summary>Synthesised windows per position the percentiles come from.</summary>
    public required int Samples { get; init; }

    /// <summary><paramref name="modelScore"/> of a window <paramref name="framesSinceStart"/> frames after a start, mapped (as it is past the warm-up).</summary>
    public float Map(float modelScore, long framesSinceStart)
    {
        if (framesSinceStart < 1 || framesSinceStart > Positions.Length || Reference.Length != 101) return modelScore;
        var q = Positions[framesSinceStart - 1];
        if (q.Length != 101 || float.IsNaN(modelScore)) return modelScore;
        var r = Reference;
        if (modelScore <= q[0]) return r[0];
        if (modelScore >= q[100])
        {
            // Beyond every synthesised start: keep the excess, in units of the top deciles' spread.
            var padded = q[100] - q[90];
            var real = r[100] - r[90];
            var slope = padded > 0 && real > 0 ? real / padded : 1f;
            return r[100] + (modelScore - q[100]) * slope;
        }
        // The last percentile at or below the score (flat runs of equal percentiles: their top).
        int lo = 0, hi = 100;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (q[mid] <= modelScore) lo = mid; else hi = mid;
        }
        var span = q[hi] - q[lo];
        var at = lo + (span > 0 ? (modelScore - q[lo]) / span : 0f);
        var i = Math.Min((int)at, 99);
        return r[i] + (at - i) * (r[i + 1] - r[i]);
    }

    /// <summary>The 0th … 100th percentile of <paramref name="values"/> (linear between order statistics); empty for none.</summary>
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
