using System.Globalization;
using ScottPlot;

namespace Monitoring.Evaluation;

/// <summary>The eval command's plots, drawn by ScottPlot (SkiaSharp underneath, headless) as PNG files.</summary>
public static class EvalPlots
{
    public const int RocSize = 560;
    public const int ClipWidth = 900, ClipHeight = 340;

    /// <summary>ROC curve of pooled scores with the chance diagonal; square, both axes 0–1.</summary>
    public static void Roc(IReadOnlyList<(double Fpr, double Tpr)> curve, double auc, string path)
    {
        using var plot = Plots.Create();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        var roc = plot.Add.ScatterLine(curve.Select(p => p.Fpr).ToArray(), curve.Select(p => p.Tpr).ToArray(), Plots.Blue);
        roc.LineWidth = 2;
        roc.LegendText = $"pooled raw frame scores, AUC {Format(auc)}";
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title("ROC, frame level");
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, RocSize, RocSize);
    }

    /// <summary>
    /// One clip's frame scores over its frames, the labelled abnormal frames shaded; <paramref name="yMax"/> is shared by
    /// every clip of a run so their plots compare.
    /// </summary>
    public static void ClipScores(string clip, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double auc, double yMin, double yMax,
        string path)
    {
        using var plot = Plots.Create();
        var first = true;
        for (var i = 0; i < labels.Count; i++)
        {
            if (!labels[i]) continue;
            var end = i;
            while (end + 1 < labels.Count && labels[end + 1]) end++;
            var span = plot.Add.HorizontalSpan(i - 0.5, end + 0.5, Plots.AbnormalShade);
            span.LineWidth = 0;
            if (first) span.LegendText = "abnormal frames (labels)";
            first = false;
            i = end;
        }
        var line = plot.Add.ScatterLine(Enumerable.Range(0, scores.Count).Select(i => (double)i).ToArray(), scores.ToArray(), Plots.Blue);
        line.LineWidth = 2;
        line.LegendText = "frame score";
        plot.Axes.SetLimits(-0.5, Math.Max(1, scores.Count - 0.5), yMin, yMax);
        plot.Title($"clip {clip}: frame score, AUC {Format(auc)}");
        plot.XLabel("frame");
        plot.YLabel("score");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, ClipWidth, ClipHeight);
    }

    private static string Format(double v) => double.IsNaN(v) ? "undefined" : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
