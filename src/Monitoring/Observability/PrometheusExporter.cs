using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Prometheus;

namespace Monitoring.Observability;

/// <summary>
/// Publishes what /metrics shows as prometheus-net collectors in one host's <see cref="CollectorRegistry"/> (which
/// prometheus-net serialises and its ASP.NET Core endpoint serves): every instrument of the "Monitoring" meters, fed
/// by a <see cref="MeterListener"/>, and the cameras' own counters from <see cref="DaemonStatus"/>, read before each
/// collection. Names stay those of our former hand-written exporter: the instrument's name with characters outside
/// [a-zA-Z0-9_:] as underscores, counters with <c>_total</c> (prometheus-net's <c>MeterAdapter</c> would prefix the
/// meter's name, expose counters as gauges and drop series idle for five minutes). Histograms get fixed buckets
/// (seconds for unit "s", else counts); observable instruments are read at each collection.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128];

    private readonly MeterListener _listener = new();
    private volatile bool _disposed;

    public PrometheusExporter(CollectorRegistry registry, DaemonStatus? status = null)
    {
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MonitoringMeter.Name) listener.EnableMeasurementEvents(instrument, new InstrumentSeries(instrument, factory));
        };
        _listener.SetMeasurementEventCallback<long>((_, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, state) => ((InstrumentSeries)state!).Record(v, tags));
        _listener.Start();
        // A registry cannot drop a callback: after Dispose it does nothing.
        registry.AddBeforeCollectCallback(() =>
        {
            if (!_disposed) _listener.RecordObservableInstruments();
        });
        if (status is not null) registry.AddBeforeCollectCallback(new CameraSeries(factory, status).Update);
    }

    public CollectorRegistry Registry { get; }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }

    /// <summary>Prometheus names allow [a-zA-Z0-9_:]; dots and dashes of .NET instrument names become underscores.</summary>
    internal static string Sanitize(string name) =>
        string.Create(name.Length, name, (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = char.IsAsciiLetterOrDigit(source[i]) || source[i] is '_' or ':' ? source[i] : '_';
        });

    /// <summary>
    /// One instrument's prometheus-net collector, made at its first measurement (its tag keys, sorted, become the label
    /// names; a later measurement missing one of them reports "" for it, extra tags are ignored). Label children are
    /// cached by their tag values, so a measurement with up to two tags allocates nothing once its series exists.
    /// </summary>
    private sealed class InstrumentSeries
    {
        private enum Kind { Counter, UpDown, Observed, Histogram }

        private readonly Instrument _instrument;
        private readonly MetricFactory _factory;
        private readonly Kind _kind;
        private readonly Lock _gate = new();
        private readonly ConcurrentDictionary<(object?, object?), ChildBase> _children = new();
        private volatile Collector? _metric;
        private string[] _tagKeys = [];
        private ChildBase? _unlabelled;

        public InstrumentSeries(Instrument instrument, MetricFactory factory)
        {
            _instrument = instrument;
            _factory = factory;
            var type = instrument.GetType();
            var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            _kind = definition == typeof(Counter<>) ? Kind.Counter
                : definition == typeof(UpDownCounter<>) ? Kind.UpDown
                : definition == typeof(Histogram<>) ? Kind.Histogram
                : Kind.Observed; // observable counters, gauges and up-down counters, and Gauge<T>: the value is the reading
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var metric = _metric ?? Create(tags);
            var child = _tagKeys.Length switch
            {
                0 => _unlabelled!,
                1 => Child(metric, (Find(tags, _tagKeys[0]), null), tags),
                2 => Child(metric, (Find(tags, _tagKeys[0]), Find(tags, _tagKeys[1])), tags),
                _ => Labelled(metric, tags), // allocates the label values; none of ours has more than two tags
            };
            switch (_kind)
            {
                case Kind.Counter: ((Counter.Child)child).Inc(value); break;
                case Kind.UpDown: ((Gauge.Child)child).Inc(value); break;
                case Kind.Observed: ((Gauge.Child)child).Set(value); break;
                default: ((Histogram.Child)child).Observe(value); break;
            }
        }

        private static object? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
        {
            foreach (var t in tags)
                if (string.Equals(t.Key, key, StringComparison.Ordinal)) return t.Value;
            return null;
        }

        private ChildBase Child(Collector metric, (object?, object?) key, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _children.TryGetValue(key, out var child) ? child : _children.GetOrAdd(key, Labelled(metric, tags));

        private ChildBase Labelled(Collector metric, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var values = new string[_tagKeys.Length];
            for (var i = 0; i < values.Length; i++)
                values[i] = Convert.ToString(Find(tags, _tagKeys[i]), CultureInfo.InvariantCulture) ?? "";
            return metric switch
            {
                Counter c => c.WithLabels(values),
                Gauge g => g.WithLabels(values),
                Histogram h => h.WithLabels(values),
                _ => throw new InvalidOperationException(),
            };
        }

        private Collector Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_gate)
            {
                if (_metric is { } made) return made;
                var keys = new string[tags.Length];
                for (var i = 0; i < keys.Length; i++) keys[i] = tags[i].Key;
                Array.Sort(keys, StringComparer.Ordinal);
                var labels = Array.ConvertAll(keys, Sanitize);
                var name = Sanitize(_instrument.Name);
                var help = _instrument.Description ?? "";
                Collector metric = _kind switch
                {
                    Kind.Counter => _factory.CreateCounter(name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total", help, labels),
                    Kind.Histogram => _factory.CreateHistogram(name, help, labels, new HistogramConfiguration
                    {
                        Buckets = _instrument.Unit == "s" ? SecondsBuckets : CountBuckets,
                    }),
                    _ => _factory.CreateGauge(name, help, labels),
                };
                // Only without labels: asking a labelled metric for its unlabelled child would add a series.
                if (keys.Length == 0) _unlabelled = metric switch
                {
                    Counter c => ((ICollector<Counter.Child>)c).Unlabelled,
                    Gauge g => ((ICollector<Gauge.Child>)g).Unlabelled,
                    Histogram h => ((ICollector<Histogram.Child>)h).Unlabelled,
                    _ => null,
                };
                _tagKeys = keys;
                _metric = metric;
                return metric;
            }
        }
    }

    /// <summary>The cameras' counters and states, copied from <see cref="DaemonStatus"/> before each collection.</summary>
    private sealed class CameraSeries(MetricFactory factory, DaemonStatus status)
    {
        private readonly Counter _decoded = factory.CreateCounter("monitoring_camera_frames_decoded_total", "Frames decoded from the source", "camera");
        private readonly Counter _queued = factory.CreateCounter("monitoring_camera_frames_queued_total", "Frames handed to analysis", "camera");
        private readonly Counter _dropped = factory.CreateCounter("monitoring_camera_frames_dropped_total",
            "Frames dropped before analysis (queue full on a live source, or too old)", "camera");
        private readonly Counter _reconnects = factory.CreateCounter("monitoring_camera_reconnects_total", "Reconnect attempts", "camera");
        private readonly Gauge _queueDepth = factory.CreateGauge("monitoring_camera_queue_depth", "Frames waiting for analysis", "camera");
        private readonly Gauge _state = factory.CreateGauge("monitoring_camera_state", "0 connecting, 1 streaming, 2 reconnecting, 3 ended, 4 stopped", "camera");
        private readonly Gauge _sinceFrame = factory.CreateGauge("monitoring_camera_seconds_since_frame", "Seconds since the last decoded frame", "camera");
        private readonly Gauge _running = factory.CreateGauge("monitoring_pipeline_running", "1 while the analysis pipeline runs");

        public void Update()
        {
            foreach (var s in status.Sources)
            {
                // The sources count for themselves (monotonic for the run): the counters follow them.
                _decoded.WithLabels(s.Id).IncTo(s.FramesDecoded);
                _queued.WithLabels(s.Id).IncTo(s.FramesQueued);
                _dropped.WithLabels(s.Id).IncTo(s.FramesDropped);
                _reconnects.WithLabels(s.Id).IncTo(s.Reconnects);
                _queueDepth.WithLabels(s.Id).Set(s.QueueDepth);
                _state.WithLabels(s.Id).Set((int)s.State);
                _sinceFrame.WithLabels(s.Id).Set(s.SecondsSinceLastFrame);
            }
            _running.Set(status.PipelineRunning ? 1 : 0);
        }
    }
}
