using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Monitoring.Hosting;

namespace Monitoring.Observability;

/// <summary>
/// Renders every instrument of the Monitoring meter, plus the cameras' own counters, in the Prometheus
/// text format (version 0.0.4). Counters become <c>_total</c> series, histograms cumulative buckets,
/// observable gauges are read at scrape time.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Series> _series = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != MonitoringMeter.Name) return;
            _instruments[instrument.Name] = instrument;
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private sealed class Series(double[]? buckets)
    {
        public double Sum;
        public long Count;
        public double Last;
        public readonly long[]? Buckets = buckets is null ? null : new long[buckets.Length];
        public readonly double[]? Bounds = buckets;
    }

    // Per-measurement work stays allocation-free in steady state: the common cases (no tag, one tag) find their
    // series through caches keyed by value tuples; only a first sighting formats the label string.
    private readonly ConcurrentDictionary<Instrument, Series> _untagged = new();
    private readonly ConcurrentDictionary<(Instrument, string, object), Series> _oneTag = new();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Series? series;
        if (instrument.IsObservable)
        {
            // Read at scrape time only (their series are dropped and rebuilt per scrape): no caching.
            series = SeriesFor(instrument, FormatLabels(tags));
        }
        else if (tags.Length == 0)
        {
            if (!_untagged.TryGetValue(instrument, out series)) _untagged[instrument] = series = SeriesFor(instrument, "");
        }
        else if (tags.Length == 1 && tags[0].Value is { } tagValue)
        {
            var key = (instrument, tags[0].Key, tagValue);
            if (!_oneTag.TryGetValue(key, out series)) _oneTag[key] = series = SeriesFor(instrument, FormatLabels(tags));
        }
        else
        {
            series = SeriesFor(instrument, FormatLabels(tags));
        }
        lock (series)
        {
            series.Count++;
            series.Sum += value;
            series.Last = value;
            if (series.Buckets is not null)
                for (var b = 0; b < series.Bounds!.Length; b++)
                    if (value <= series.Bounds[b]) series.Buckets[b]++;
        }
    }

    private Series SeriesFor(Instrument instrument, string labels) =>
        _series.GetOrAdd((instrument.Name, labels), _ => new Series(
            instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal) ? (instrument.Unit == "s" ? SecondsBuckets : CountBuckets) : null));

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var t in tags) parts.Add($"{t.Key}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        parts.Sort(StringComparer.Ordinal);
        return string.Join(",", parts);
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string F(double v) => double.IsPositiveInfinity(v) ? "+Inf" : v.ToString(CultureInfo.InvariantCulture);

    public string Render(DaemonStatus? status)
    {
        var sb = new StringBuilder();
        lock (_scrape)
        {
            // Observable gauges report now; their values land in _series via the callbacks.
            foreach (var key in _series.Keys.Where(k => _instruments.TryGetValue(k.Name, out var i) && IsObservable(i))) _series.TryRemove(key, out _);
            _listener.RecordObservableInstruments();
            foreach (var group in _series.GroupBy(s => s.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                _instruments.TryGetValue(group.Key, out var instrument);
                var name = Sanitize(group.Key);
                var kind = instrument switch
                {
                    null => "gauge",
                    _ when IsObservable(instrument) => "gauge",
                    _ when instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
                    _ when instrument.GetType().Name.StartsWith("UpDownCounter", StringComparison.Ordinal) => "gauge",
                    _ => "counter",
                };
                var exposed = kind == "counter" && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
                if (instrument?.Description is { Length: > 0 } d) sb.Append("# HELP ").Append(exposed).Append(' ').Append(d).Append('\n');
                sb.Append("# TYPE ").Append(exposed).Append(' ').Append(kind).Append('\n');
                foreach (var (key, s) in group.OrderBy(g => g.Key.Labels, StringComparer.Ordinal))
                {
                    lock (s)
                    {
                        var l = key.Labels;
                        switch (kind)
                        {
                            case "histogram":
                                for (var b = 0; b < s.Bounds!.Length; b++)
                                    sb.Append(exposed).Append("_bucket{").Append(l).Append(l.Length > 0 ? "," : "").Append("le=\"").Append(F(s.Bounds[b])).Append("\"} ").Append(s.Buckets![b]).Append('\n');
                                sb.Append(exposed).Append("_bucket{").Append(l).Append(l.Length > 0 ? "," : "").Append("le=\"+Inf\"} ").Append(s.Count).Append('\n');
                                sb.Append(exposed).Append("_sum").Append(Braces(l)).Append(' ').Append(F(s.Sum)).Append('\n');
                                sb.Append(exposed).Append("_count").Append(Braces(l)).Append(' ').Append(s.Count).Append('\n');
                                break;
                            case "counter":
                                sb.Append(exposed).Append(Braces(l)).Append(' ').Append(F(s.Sum)).Append('\n');
                                break;
                            default:
                                sb.Append(exposed).Append(Braces(l)).Append(' ').Append(F(instrument is not null && IsObservable(instrument) ? s.Last : s.Sum)).Append('\n');
                                break;
                        }
                    }
                }
            }
        }
        if (status is not null) RenderCameras(sb, status);
        return sb.ToString();
    }

    private static bool IsObservable(Instrument i) => i.IsObservable;

    /// <summary>Prometheus names allow [a-zA-Z0-9_:]; dots and dashes of .NET instrument names become underscores.</summary>
    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '_' or ':')) chars[i] = '_';
        return new string(chars);
    }

    private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

    private static void RenderCameras(StringBuilder sb, DaemonStatus status)
    {
        void Metric(string name, string type, string help, Func<Capture.CameraSource, double> value)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var s in status.Sources)
                sb.Append(name).Append("{camera=\"").Append(Escape(s.Id)).Append("\"} ").Append(F(value(s))).Append('\n');
        }
        Metric("monitoring_camera_frames_decoded_total", "counter", "Frames decoded from the source", s => s.FramesDecoded);
        Metric("monitoring_camera_frames_queued_total", "counter", "Frames handed to analysis", s => s.FramesQueued);
        Metric("monitoring_camera_frames_dropped_total", "counter", "Frames dropped before analysis (queue full on a live source, or too old)", s => s.FramesDropped);
        Metric("monitoring_camera_reconnects_total", "counter", "Reconnect attempts", s => s.Reconnects);
        Metric("monitoring_camera_queue_depth", "gauge", "Frames waiting for analysis", s => s.QueueDepth);
        Metric("monitoring_camera_state", "gauge", "0 connecting, 1 streaming, 2 reconnecting, 3 ended, 4 stopped", s => (int)s.State);
        Metric("monitoring_camera_seconds_since_frame", "gauge", "Seconds since the last decoded frame", s => s.SecondsSinceLastFrame);
        sb.Append("# TYPE monitoring_pipeline_running gauge\nmonitoring_pipeline_running ").Append(status.PipelineRunning ? 1 : 0).Append('\n');
    }

    public void Dispose() => _listener.Dispose();
}
