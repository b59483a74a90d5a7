using System.Diagnostics.Metrics;
using Monitoring.Observability;

namespace Monitoring.Tests.Observability;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Counters_histograms_and_observable_gauges_render_in_the_text_format()
    {
        // A meter of the same name as the daemon's: the exporter listens to every "Monitoring" meter.
        using var meter = new Meter(MonitoringMeter.Name);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var counter = meter.CreateCounter<long>($"test.frames.{suffix}", "frames", "Frames seen");
        var histogram = meter.CreateHistogram<double>($"test_latency_{suffix}", "s", "Latency");
        long depth = 7;
        meter.CreateObservableGauge($"test.depth.{suffix}", () => depth, "rows", "Depth");
        using var exporter = new PrometheusExporter();

        for (var i = 0; i < 3; i++) counter.Add(2, new KeyValuePair<string, object?>("camera", "gate"));
        counter.Add(5, new KeyValuePair<string, object?>("camera", "yard"));
        histogram.Record(0.004);
        histogram.Record(0.2);
        var text = exporter.Render(null);

        Assert.Contains($"# TYPE test_frames_{suffix}_total counter", text);
        Assert.Contains($"test_frames_{suffix}_total{{camera=\"gate\"}} 6", text);
        Assert.Contains($"test_frames_{suffix}_total{{camera=\"yard\"}} 5", text);
        Assert.Contains($"# TYPE test_latency_{suffix} histogram", text);
        Assert.Contains($"test_latency_{suffix}_bucket{{le=\"0.005\"}} 1", text);
        Assert.Contains($"test_latency_{suffix}_bucket{{le=\"0.25\"}} 2", text);
        Assert.Contains($"test_latency_{suffix}_count 2", text);
        Assert.Contains($"test_depth_{suffix} 7", text);

        // Gauges are read at every scrape; counters keep counting.
        depth = 3;
        counter.Add(1, new KeyValuePair<string, object?>("camera", "gate"));
        text = exporter.Render(null);
        Assert.Contains($"test_depth_{suffix} 3", text);
        Assert.DoesNotContain($"test_depth_{suffix} 7", text);
        Assert.Contains($"test_frames_{suffix}_total{{camera=\"gate\"}} 7", text);
    }
}
