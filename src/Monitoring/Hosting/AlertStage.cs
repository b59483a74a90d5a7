using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Observability;
using Monitoring.Regions;
using Monitoring.Snapshots;

namespace Monitoring.Hosting;

/// <summary>
/// After analysis: per camera, regions → events (confirm, track, cool down) → snapshots → sinks
/// (the durable webhook outbox first, then the JSONL file and the log). The webhook deliverer runs beside
/// it, so a slow or dead receiver never holds up this stage: emitting only inserts into the outbox.
/// When the frames run out, open events are ended (and emitted) and delivery gets a bounded time to drain.
/// </summary>
public sealed class AlertStage : IAlertStage
{
    private static readonly Counter<long> EventMessages = MonitoringMeter.Instance.CreateCounter<long>(
        "monitoring_alert_messages", "messages", "Alert messages emitted, per camera and lifecycle type");
    private static readonly Histogram<double> EventLatency = MonitoringMeter.Instance.CreateHistogram<double>(
        "monitoring_event_latency_seconds", "s", "From capture of the frame to the emission of its new/update message");

    private readonly AlertingOptions _alerting;
    private readonly string _modelVersion;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _log;
    private readonly Dictionary<string, (RegionExtractor Regions, EventTracker Events)> _cameras = new(StringComparer.Ordinal);
    private readonly SqliteOutbox? _outbox;
    private readonly JsonLinesFileSink? _jsonl;
    private readonly IAlertSink _sink;
    private readonly SnapshotWriter? _snapshots;
    private readonly DeliveryMetrics _deliveryMetrics = new();
    private readonly WebhookDeliverer? _deliverer;
    private readonly TimeSpan _drain;

    public AlertStage(AlertingOptions alerting, string modelVersion, TimeSpan drain, ILoggerFactory logs)
    {
        _alerting = alerting;
        _modelVersion = modelVersion;
        _logs = logs;
        _drain = drain;
        _log = logs.CreateLogger("alerts");
        var sinks = new List<IAlertSink>();
        var hooks = WebhookEndpoint.FromOptions(alerting);
        if (hooks.Count > 0)
        {
            _outbox = new SqliteOutbox(alerting.Outbox.Path, hooks);
            sinks.Add(_outbox); // first: once it returns, the message survives a crash
            _deliverer = new WebhookDeliverer(_outbox, hooks, alerting.Outbox, logs.CreateLogger<WebhookDeliverer>(), _deliveryMetrics);
            if (_outbox.Depth > 0) _log.LogInformation("Outbox holds {Depth} undelivered message(s) from before; delivering", _outbox.Depth);
        }
        if (!string.IsNullOrWhiteSpace(alerting.JsonlPath))
        {
            _jsonl = new JsonLinesFileSink(alerting.JsonlPath, alerting.JsonlMaxBytes, alerting.JsonlKeepFiles);
            sinks.Add(_jsonl);
        }
        sinks.Add(new LoggingSink(logs.CreateLogger<LoggingSink>()));
        _sink = new FanOutSink([.. sinks]);
        if (alerting.Snapshots.Enabled)
            _snapshots = new SnapshotWriter(new OpenCvSnapshotRenderer(), new SnapshotStore(alerting.Snapshots), alerting.Snapshots);
    }

    /// <summary>Messages emitted, by lifecycle type (for summaries and tests).</summary>
    public Dictionary<AlertLifecycle, int> Emitted { get; } = new();

    public async Task RunAsync(ChannelReader<AnalyzedFrame> frames, CancellationToken cancellation)
    {
        using var deliveryStop = new CancellationTokenSource();
        var delivery = _deliverer?.RunAsync(deliveryStop.Token) ?? Task.CompletedTask;
        var finished = false;
        try
        {
            await foreach (var f in frames.ReadAllAsync(cancellation))
            {
                using (f)
                {
                    if (f.Learning || f.WarmingUp) continue;
                    await ObserveAsync(f, cancellation);
                }
            }
            foreach (var (camera, c) in _cameras)
                foreach (var m in c.Events.EndAll(DateTimeOffset.UtcNow))
                    await EmitAsync(m, null, cancellation);
            finished = true;
        }
        finally
        {
            await DrainAsync(deliveryStop, delivery);
        }
        // After the drain: the undelivered count it reports is what stays in the outbox.
        if (finished) Console.WriteLine(Summary());
    }

    /// <summary>One line for people: what was found and where it went.</summary>
    public string Summary()
    {
        var events = Emitted.GetValueOrDefault(AlertLifecycle.New);
        var where = new List<string>();
        if (_alerting.JsonlPath is not null) where.Add($"messages in {_alerting.JsonlPath}");
        if (_snapshots is not null) where.Add($"snapshots in {_alerting.Snapshots.Directory}");
        if (_outbox is not null) where.Add($"webhook outbox {_alerting.Outbox.Path} ({_outbox.Depth} undelivered)");
        return $"alerts: {events} event(s) — {events} new, {Emitted.GetValueOrDefault(AlertLifecycle.Update)} update, " +
               $"{Emitted.GetValueOrDefault(AlertLifecycle.End)} end message(s)" + (where.Count > 0 ? $"; {string.Join("; ", where)}" : "");
    }

    private async Task ObserveAsync(AnalyzedFrame f, CancellationToken cancellation)
    {
        if (!_cameras.TryGetValue(f.CameraId, out var c))
        {
            c = (new RegionExtractor(_alerting.RegionsFor(f.CameraId)), new EventTracker(f.CameraId, _alerting.Events, _modelVersion, f.ProfileVersion));
            _cameras[f.CameraId] = c;
        }
        c.Events.ProfileVersion = f.ProfileVersion;
        var frame = f.Frame;
        var pixels = frame.HasBgr ? new FramePixels(frame.BgrMemory, frame.BgrWidth, frame.BgrHeight) : null;
        var analysis = new FrameAnalysis(f.CameraId, frame.Index, frame.Timestamp, f.Score, f.MapArray, f.CellsW, f.CellsH,
            frame.SourceWidth, frame.SourceHeight, pixels);
        var observation = c.Regions.Observe(analysis);
        var messages = c.Events.Observe(observation);
        PipelineMetrics.RecordLatency((Environment.TickCount64 - frame.EnqueuedTicks) / 1000.0);
        foreach (var m in messages)
        {
            if (m.Type != AlertLifecycle.End) EventLatency.Record((Environment.TickCount64 - frame.EnqueuedTicks) / 1000.0);
            await EmitAsync(m, analysis, cancellation);
        }
    }

    private async Task EmitAsync(AlertMessage message, FrameAnalysis? frame, CancellationToken cancellation)
    {
        if (_snapshots is not null && frame is not null)
        {
            try
            {
                message = _snapshots.Attach(message, frame);
            }
            catch (Exception e)
            {
                // A snapshot is worth less than the alert: log it and send the alert without one.
                _log.LogWarning("Snapshot for {EventId} #{Sequence} failed: {Error}", message.EventId, message.Sequence, e.Message);
            }
        }
        await _sink.EmitAsync(message, cancellation);
        Emitted[message.Type] = Emitted.GetValueOrDefault(message.Type) + 1;
        EventMessages.Add(1, new KeyValuePair<string, object?>("camera", message.Camera), new KeyValuePair<string, object?>("type", message.Type.ToString().ToLowerInvariant()));
    }

    private async Task DrainAsync(CancellationTokenSource deliveryStop, Task delivery)
    {
        if (_outbox is not null && _outbox.Depth > 0 && _drain > TimeSpan.Zero)
        {
            var until = DateTime.UtcNow + _drain;
            while (_outbox.Depth > 0 && DateTime.UtcNow < until && !delivery.IsCompleted) await Task.Delay(50);
            if (_outbox.Depth > 0)
                _log.LogWarning("{Depth} alert message(s) still in the outbox at stop; they are kept and delivered at the next start", _outbox.Depth);
        }
        deliveryStop.Cancel();
        try
        {
            await delivery;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_jsonl is not null) await _jsonl.DisposeAsync();
        _deliverer?.Dispose();
        _outbox?.Dispose();
        _deliveryMetrics.Dispose();
    }
}
