using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Evaluation;
using Monitoring.Hosting;
using Monitoring.Observability;
using ScottPlot;

namespace Monitoring.Benchmarking;

/// <summary>One row of the soak CSV.</summary>
public sealed record SoakSample(double Seconds, long RssBytes, long ManagedHeapBytes, long GcHeapBytes, int Gen0, int Gen1, int Gen2,
    long Analysed, long Dropped, double CpuFraction);

public sealed record SoakResult(int Cameras, double Minutes, double WarmupMinutes, int Samples, long RssAfterWarmupBytes, long RssEndBytes,
    double RssGrowthPercent, double RssSlopeMiBPerHour, long RssMaxBytes, long ManagedHeapAfterWarmupBytes, long ManagedHeapEndBytes,
    int Gen0, int Gen1, int Gen2, long FramesAnalysed, long FramesDropped, double AnalysedFraction, LatencySummary FrameLatency,
    string Csv, string Plot, bool MeetsTarget);

/// <summary>
/// The daemon on live (paced, drop-oldest) cameras for a long time, sampling RSS, managed heap and GC counts into a CSV
/// as it goes (flushed per row, so a running soak can be watched), then the RSS growth after the warm-up and a plot.
/// </summary>
public static class SoakRunner
{
    public static async Task<SoakResult> RunAsync(PipelineSetup setup, int cameras, double minutes, double sampleSeconds,
        string csvPath, string plotPath, Action<string> progress)
    {
        var options = PipelineRunner.Options(setup, cameras, CameraPacing.Live, $"soak-{cameras}");
        using var probe = new PipelineProbe();
        using var lifetime = new BenchLifetime();
        await using var services = PipelineRunner.Compose(setup, options, lifetime);
        var daemon = services.GetRequiredService<Daemon>();
        var status = services.GetRequiredService<DaemonStatus>();
        var samples = new List<SoakSample>();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
        await using var csv = new StreamWriter(csvPath) { AutoFlush = true };
        await csv.WriteLineAsync("seconds,rss_mib,managed_heap_mib,gc_heap_mib,gen0,gen1,gen2,analysed,dropped,cpu_fraction");
        probe.Recording = true;
        await daemon.StartAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var lastCpu = ProcessStats.CpuTime();
        var lastT = 0.0;
        try
        {
            while (clock.Elapsed.TotalMinutes < minutes)
            {
                await Task.Delay(TimeSpan.FromSeconds(sampleSeconds));
                if (lifetime.StopRequested || daemon.ExecuteTask is { IsCompleted: true })
                    throw new InvalidOperationException("the pipeline stopped during the soak; see the log above");
                var t = clock.Elapsed.TotalSeconds;
                var cpu = ProcessStats.CpuTime();
                var s = new SoakSample(t, ProcessStats.RssBytes(), GC.GetTotalMemory(false), GC.GetGCMemoryInfo().HeapSizeBytes,
                    GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), probe.Analysed,
                    status.Sources.Sum(x => x.FramesDropped), (cpu - lastCpu).TotalSeconds / (t - lastT) / Environment.ProcessorCount);
                lastCpu = cpu;
                lastT = t;
                samples.Add(s);
                await csv.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Seconds:0.0},{s.RssBytes / 1048576.0:0.00},{s.ManagedHeapBytes / 1048576.0:0.00},{s.GcHeapBytes / 1048576.0:0.00},{s.Gen0},{s.Gen1},{s.Gen2},{s.Analysed},{s.Dropped},{s.CpuFraction:0.000}"));
                if (samples.Count % 6 == 0)
                    progress($"soak {t / 60:0.0}/{minutes:0} min: RSS {s.RssBytes / 1048576.0:0.0} MiB, heap {s.ManagedHeapBytes / 1048576.0:0.0} MiB, " +
                             $"gen0/1/2 {s.Gen0}/{s.Gen1}/{s.Gen2}, analysed {s.Analysed}, dropped {s.Dropped}, CPU {100 * s.CpuFraction:0} %");
            }
        }
        finally
        {
            probe.Recording = false;
            await daemon.StopAsync(CancellationToken.None);
        }

        var elapsed = clock.Elapsed.TotalMinutes;
        // Warm-up: the first 10 % of the soak (at least 2 minutes: arenas, pools, caches and the JIT settle), and at
        // least until the first full (gen-2) collection after that: before it, the managed heap has not yet found its
        // steady size, and RSS measured from there reads the heap's first growth as a leak.
        var warmupMinutes = Math.Min(elapsed / 2, Math.Max(2, elapsed * 0.10));
        var gen2AtWarmup = samples.FirstOrDefault(s => s.Seconds >= warmupMinutes * 60)?.Gen2 ?? 0;
        var firstFull = samples.FirstOrDefault(s => s.Seconds >= warmupMinutes * 60 && s.Gen2 > gen2AtWarmup);
        if (firstFull is not null) warmupMinutes = Math.Min(elapsed / 2, Math.Max(warmupMinutes, firstFull.Seconds / 60));
        var steady = samples.Where(s => s.Seconds >= warmupMinutes * 60).ToList();
        if (steady.Count < 4) steady = samples;
        var k = Math.Max(1, Math.Min(5, steady.Count / 4));
        var rssStart = Median(steady.Take(k).Select(s => s.RssBytes));
        var rssEnd = Median(steady.TakeLast(k).Select(s => s.RssBytes));
        var growth = 100.0 * (rssEnd - rssStart) / rssStart;
        var slope = Slope(steady.Select(s => (s.Seconds / 3600, s.RssBytes / 1048576.0)).ToList());
        var last = samples[^1];
        var expected = cameras * setup.AnalysisFps * clock.Elapsed.TotalSeconds;
        DrawPlot(samples, warmupMinutes, cameras, growth, plotPath);
        return new SoakResult(cameras, elapsed, warmupMinutes, samples.Count, rssStart, rssEnd, growth, slope, samples.Max(s => s.RssBytes),
            Median(steady.Take(k).Select(s => s.ManagedHeapBytes)), Median(steady.TakeLast(k).Select(s => s.ManagedHeapBytes)),
            last.Gen0, last.Gen1, last.Gen2, last.Analysed, last.Dropped, Math.Min(1, last.Analysed / expected),
            LatencySummary.Of(probe.FrameLatencies()), Path.GetFullPath(csvPath), Path.GetFullPath(plotPath), growth <= 5);
    }

    private static long Median(IEnumerable<long> values)
    {
        var a = values.Order().ToArray();
        return a.Length == 0 ? 0 : a[a.Length / 2];
    }

    /// <summary>Least-squares slope of y over x.</summary>
    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double num = points.Sum(p => (p.X - mx) * (p.Y - my)), den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : num / den;
    }

    public const int PlotWidth = 900, PlotHeight = 420;

    /// <summary>RSS (blue) and managed heap (orange) in MiB over the soak's minutes, the warm-up shaded; PNG (ScottPlot).</summary>
    public static void DrawPlot(IReadOnlyList<SoakSample> samples, double warmupMinutes, int cameras, double growthPercent, string path)
    {
        using var plot = Plots.Create();
        var minutes = samples.Select(s => s.Seconds / 60).ToArray();
        var warmup = plot.Add.HorizontalSpan(0, warmupMinutes, Plots.WarmupShade);
        warmup.LineWidth = 0;
        warmup.LegendText = "warm-up";
        var rss = plot.Add.ScatterLine(minutes, samples.Select(s => s.RssBytes / 1048576.0).ToArray(), Plots.Blue);
        rss.LineWidth = 2;
        rss.LegendText = "RSS";
        var heap = plot.Add.ScatterLine(minutes, samples.Select(s => s.ManagedHeapBytes / 1048576.0).ToArray(), Plots.Orange);
        heap.LineWidth = 2;
        heap.LegendText = "managed heap";
        plot.Axes.SetLimits(0, Math.Max(1 / 60.0, minutes[^1]), 0, samples.Max(s => s.RssBytes) / 1048576.0 * 1.15);
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"soak: {cameras} live cameras, {samples[^1].Seconds / 60:0} min; RSS growth after warm-up {growthPercent:+0.0;-0.0} %"));
        plot.XLabel("minutes");
        plot.YLabel("MiB");
        plot.ShowLegend(Edge.Right);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, PlotWidth, PlotHeight);
    }
}
