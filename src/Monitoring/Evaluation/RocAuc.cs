namespace Monitoring.Evaluation;

/// <summary>Frame-level ROC analysis: area under the curve (ties averaged) and the curve's points.</summary>
public static class RocAuc
{
    /// <summary>ROC AUC of <paramref name="scores"/> against binary <paramref name="labels"/> (Mann–Whitney U with average ranks).</summary>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count) throw new ArgumentException($"{scores.Count} scores but {labels.Count} labels");
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        long pos = labels.Count(l => l), neg = labels.Count - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        double rankSumPos = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            var avgRank = (i + j) / 2.0 + 1; // 1-based average rank of the tie group
            for (var k = i; k <= j; k++) if (labels[order[k]]) rankSumPos += avgRank;
            i = j + 1;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    /// <summary>The ROC curve as (false positive rate, true positive rate) points, from (0,0) to (1,1).</summary>
    public static IReadOnlyList<(double Fpr, double Tpr)> Curve(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double pos = labels.Count(l => l), neg = labels.Count - pos;
        var points = new List<(double, double)> { (0, 0) };
        if (pos == 0 || neg == 0) return points;
        double tp = 0, fp = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                if (labels[order[j]]) tp++; else fp++;
                j++;
            }
            points.Add((fp / neg, tp / pos));
            i = j;
        }
        return points;
    }

    /// <summary>Min–max normalises each clip's scores using the whole clip (as papers report; not causal).</summary>
    public static double[] ClipNormalised(IReadOnlyList<double> scores, IReadOnlyList<int> clipOf)
    {
        var result = new double[scores.Count];
        foreach (var clip in clipOf.Distinct())
        {
            var idx = Enumerable.Range(0, scores.Count).Where(i => clipOf[i] == clip).ToArray();
            var min = idx.Min(i => scores[i]);
            var max = idx.Max(i => scores[i]);
            var span = max - min;
            foreach (var i in idx) result[i] = span > 0 ? (scores[i] - min) / span : 0;
        }
        return result;
    }
}
