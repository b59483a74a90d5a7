using Monitoring.Benchmarking;

namespace Monitoring.Tests.Benchmarking;

/// <summary>The soak's RSS plot (ScottPlot, headless) on synthetic samples.</summary>
public sealed class SoakPlotTests
{
    [Fact]
    public void The_soak_plot_is_a_png_with_both_series_the_warm_up_and_its_title()
    {
        using var dir = new TempDir();
        // 40 minutes, a sample every 10 s: RSS settles at about 430 MiB, the heap saw-tooths between 25 and 120 MiB.
        var samples = Enumerable.Range(1, 240).Select(i =>
        {
            var t = i * 10.0;
            var rss = (long)((430 + 50 * Math.Exp(-t / 300)) * 1048576);
            var heap = (long)((25 + 95 * (i % 30) / 30.0) * 1048576);
            return new SoakSample(t, rss, heap, heap, i, i / 2, i / 10, i * 40, 0, 0.3);
        }).ToList();
        var path = dir.File("soak-rss.png");

        SoakRunner.DrawPlot(samples, 5.2, 4, -8.9, path);

        var image = PlotImages.Load(path, SoakRunner.PlotWidth, SoakRunner.PlotHeight);
        Assert.True(PlotImages.Count(image, PlotImages.Near(31, 119, 180)) > 500, "the RSS line (blue) is missing");
        Assert.True(PlotImages.Count(image, PlotImages.Near(255, 127, 14)) > 500, "the managed-heap line (orange) is missing");
        // The warm-up (first 5.2 of 40 minutes) is shaded light green: the left eighth of the data area, not the right half.
        var shade = PlotImages.Near(222, 240, 222, 5);
        var left = PlotImages.Count(image, shade, 0, 0, SoakRunner.PlotWidth / 4, SoakRunner.PlotHeight);
        var right = PlotImages.Count(image, shade, SoakRunner.PlotWidth / 2, 0, SoakRunner.PlotWidth, SoakRunner.PlotHeight);
        Assert.True(left > 5000 && left > 10 * right, $"warm-up shading: {left} pixels on the left, {right} on the right");
        // The title and axis labels were drawn (fonts found): dark ink in the top band, above the data area.
        Assert.True(PlotImages.Count(image, PlotImages.Dark, 0, 0, SoakRunner.PlotWidth, 30) > 200, "no title text: are fonts installed (fonts-dejavu-core)?");
    }
}
