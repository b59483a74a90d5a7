using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Observability;
using Prometheus;
using Xunit.Abstractions;

namespace Monitoring.Tests.Observability;

public sealed class PrometheusExporterTests(ITestOutputHelper output)
{
    /// <summary>One collection of the registry, serialised by prometheus-net as /metrics serves it.</summary>
    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Counters_histograms_and_observable_gauges_render_in_the_text_format()
    {
        // A meter of the same name as the daemon's: the exporter listens to every "Monitoring" meter.
        using var meter = new Meter(MonitoringMeter.Name);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var counter = meter.CreateCounter<long>($"test.frames.{suffix}", "frames", "Frames seen");
        var histogram = meter.CreateHistogram<double>($"test_latency_{suffix}", "s", "Latency");
        var sizes = meter.CreateHistogram<int>($"test_sizes_{suffix}", "frames", "Sizes");
        var messages = meter.CreateCounter<long>($"test_messages_{suffix}");
        long depth = 7;
        meter.CreateObservableGauge($"test.depth.{suffix}", () => depth, "rows", "Depth");
        var registry = Metrics.NewCustomRegistry();
        using var exporter = new PrometheusExporter(registry);

        for (var i = 0; i < 3; i++) counter.Add(2, new KeyValuePair<string, object?>("camera", "gate"));
        counter.Add(5, new KeyValuePair<string, object?>("camera", "yard"));
        histogram.Record(0.004);
        histogram.Record(0.2);
        sizes.Record(3);
        // Tags in any order: labels sorted by name, as before.
        messages.Add(1, new KeyValuePair<string, object?>("type", "new"), new KeyValuePair<string, object?>("camera", "gate"));
        messages.Add(1, new KeyValuePair<string, object?>("camera", "gate"), new KeyValuePair<string, object?>("type", "new"));
        var text = await ScrapeAsync(registry);

        Assert.Contains($"# HELP test_frames_{suffix}_total Frames seen\n", text);
        Assert.Contains($"# TYPE test_frames_{suffix}_total counter\n", text);
        Assert.Contains($"\ntest_frames_{suffix}_total{{camera=\"gate\"}} 6\n", text);
        Assert.Contains($"\ntest_frames_{suffix}_total{{camera=\"yard\"}} 5\n", text);
        Assert.DoesNotContain($"\ntest_frames_{suffix}_total ", text); // no unlabelled series beside the cameras'
        Assert.Contains($"# TYPE test_latency_{suffix} histogram\n", text);
        Assert.Contains($"\ntest_latency_{suffix}_bucket{{le=\"0.001\"}} 0\n", text);
        Assert.Contains($"\ntest_latency_{suffix}_bucket{{le=\"0.005\"}} 1\n", text);
        Assert.Contains($"\ntest_latency_{suffix}_bucket{{le=\"0.25\"}} 2\n", text);
        Assert.Contains($"\ntest_latency_{suffix}_bucket{{le=\"10\"}} 2\n", text);
        Assert.Contains($"\ntest_latency_{suffix}_bucket{{le=\"+Inf\"}} 2\n", text);
        Assert.Contains($"\ntest_latency_{suffix}_count 2\n", text);
        Assert.Equal(0.204, PrometheusText.Parse(text).Get($"test_latency_{suffix}_sum")!.Value, 12);
        Assert.Contains($"\ntest_sizes_{suffix}_bucket{{le=\"2\"}} 0\n", text);
        Assert.Contains($"\ntest_sizes_{suffix}_bucket{{le=\"4\"}} 1\n", text);
        Assert.Contains($"\ntest_sizes_{suffix}_bucket{{le=\"128\"}} 1\n", text);
        Assert.DoesNotContain($"test_sizes_{suffix}_bucket{{le=\"0.001\"}}", text);
        Assert.Contains($"\ntest_messages_{suffix}_total{{camera=\"gate\",type=\"new\"}} 2\n", text);
        Assert.Contains($"# TYPE test_depth_{suffix} gauge\n", text);
        Assert.Contains($"\ntest_depth_{suffix} 7\n", text);

        // Gauges are read at every scrape; counters keep counting.
        depth = 3;
        counter.Add(1, new KeyValuePair<string, object?>("camera", "gate"));
        text = await ScrapeAsync(registry);
        Assert.Contains($"\ntest_depth_{suffix} 3\n", text);
        Assert.DoesNotContain($"test_depth_{suffix} 7", text);
        Assert.Contains($"\ntest_frames_{suffix}_total{{camera=\"gate\"}} 7\n", text);
        Assert.Equal(7, PrometheusText.Parse(text).Get($"test_frames_{suffix}_total", "gate"));
    }

    [Fact]
    public async Task Camera_series_come_from_the_daemon_status_of_this_host_only()
    {
        var status = new DaemonStatus { PipelineRunning = true };
        status.Sources = [new CameraSource(new CameraOptions { Id = "gate \"north\"", Url = "clip.mp4" }, new CaptureOptions(), new PipelineOptions(),
            64, 64, 640, NullLogger.Instance)];
        var registry = Metrics.NewCustomRegistry();
        using var exporter = new PrometheusExporter(registry, status);
        var other = Metrics.NewCustomRegistry();
        using var otherExporter = new PrometheusExporter(other, new DaemonStatus());

        var text = await ScrapeAsync(registry);
        const string camera = "{camera=\"gate \\\"north\\\"\"}";
        Assert.Contains("# TYPE monitoring_camera_frames_decoded_total counter\n", text);
        Assert.Contains($"\nmonitoring_camera_frames_decoded_total{camera} 0\n", text);
        Assert.Contains($"\nmonitoring_camera_frames_queued_total{camera} 0\n", text);
        Assert.Contains($"\nmonitoring_camera_frames_dropped_total{camera} 0\n", text);
        Assert.Contains($"\nmonitoring_camera_reconnects_total{camera} 0\n", text);
        Assert.Contains("# TYPE monitoring_camera_queue_depth gauge\n", text);
        Assert.Contains($"\nmonitoring_camera_queue_depth{camera} 0\n", text);
        Assert.Contains($"\nmonitoring_camera_state{camera} 0\n", text); // connecting: never started
        Assert.Contains($"\nmonitoring_camera_seconds_since_frame{camera} ", text);
        Assert.Contains("# TYPE monitoring_pipeline_running gauge\n", text);
        Assert.Contains("\nmonitoring_pipeline_running 1\n", text);

        status.PipelineRunning = false;
        Assert.Contains("\nmonitoring_pipeline_running 0\n", await ScrapeAsync(registry));

        // The other host's registry has its own status, and none of this one's cameras.
        var otherText = await ScrapeAsync(other);
        Assert.Contains("\nmonitoring_pipeline_running 0\n", otherText);
        Assert.DoesNotContain("gate", otherText);
    }

    [Fact]
    public void Counting_a_frame_allocates_nothing_once_its_series_exists()
    {
        using var meter = new Meter(MonitoringMeter.Name);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var analysed = meter.CreateCounter<long>($"test_analysed_{suffix}", "frames");
        var latency = meter.CreateHistogram<double>($"test_frame_latency_{suffix}", "s");
        var batch = meter.CreateHistogram<int>($"test_batch_{suffix}", "frames");
        var messages = meter.CreateCounter<long>($"test_alerts_{suffix}");
        var registry = Metrics.NewCustomRegistry();
        using var exporter = new PrometheusExporter(registry);
        var camera = new KeyValuePair<string, object?>("camera", "gate");
        var type = new KeyValuePair<string, object?>("type", "update");

        void Frame()
        {
            analysed.Add(1, camera);
            latency.Record(0.02);
            batch.Record(4);
            messages.Add(1, camera, type);
        }

        for (var i = 0; i < 100; i++) Frame();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) Frame();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} B allocated for 10,000 frames (40,000 measurements)");

        // One allocation per measurement would be 40,000 objects (at least 960,000 B); a little slack for a listener of
        // another test that sees these instruments for the first time meanwhile.
        Assert.True(allocated < 2_000, $"{allocated} B allocated for 10,000 frames");
    }
}
