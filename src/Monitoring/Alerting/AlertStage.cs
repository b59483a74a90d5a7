using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Observability;
using Monitoring.Regions;
using Monitoring.Snapshots;

namespace Monitoring.Alerting;

/// <summary>
/// After analysis: per camera, regions → events (confirm, track, cool down) → snapshots → sinks
/// (the durable webhook outbox first, then the JSONL file and the log). The webhook deliverer runs beside
/// it, so a slow or dead receiver never holds up this stage: emitting only inserts into the outbox.
/// When the frames run out, open events are ended (and emitted) and delivery gets a bounded time to drain.
/// A camera that stops delivering frames (camera down, network cut) does not keep its events open: the read of the
/// frame channel wakes at least every second, and a camera with open events whose last analysed frame came more than
/// <see cref="EventOptions.StaleEndSeconds"/> ago (monotonic wall clock) has them ended (<see cref="EventTracker.EndStale"/>).
/// </summary>
public sealed class AlertStage : IAlertStage
{
    private static readonly Counter<long> EventMessages = MonitoringMeter.Instance.CreateCounter<long>(
        "monitoring_alert_messages", "messages", "Alert messages emitted, per camera and lifecycle type");
    private static readonly Histogram<double> EventLatency = MonitoringMeter.Instance.CreateHistogram<double>(
        "monitoring_event_latency_seconds", "s", "From capture of the frame to the emission of its new/update message");

    private readonly AlertingOptions _alerting;
    private readonly string _modelVersion;
    private readonly ILogger _log;
    private readonly Dictionary<string, CameraTracking> _cameras = new(StringComparer.Ordinal);
    private readonly AlertSinks _sinks;
    private readonly SqliteOutbox? _outbox;
    private readonly WebhookDeliverer? _deliverer;
    private readonly SnapshotWriter? _snapshots;
    private readonly TimeSpan _drain;
    private readonly TimeProvider _time;
    private readonly TimeSpan _staleCheckInterval;
    private readonly IFrameObserver? _frames;

    /// <param name="alerting">Regions, events and stale cameras.</param>
    /// <param name="sinks">Where messages go (the outbox first).</param>
    /// <param name="deliverer">Sends the outbox's rows beside this stage (with webhooks configured).</param>
    /// <param name="snapshots">Renders and stores snapshots (when enabled).</param>
    /// <param name="modelVersion">Stamped on every message.</param>
    /// <param name="drain">At the end, how long undelivered webhook messages may hold the stage.</param>
    /// <param name="logs">The "alerts" category.</param>
    /// <param name="time">The monotonic clock for frame arrival and the wake-ups of the frame read (tests inject one).</param>
    /// <param name="staleCheckInterval">How often, at least, silent cameras are looked for (default 1 s).</param>
    /// <param name="frames">Sees every analysed frame with its regions (the dashboard's live view), when there is one.</param>
    public AlertStage(AlertingOptions alerting, AlertSinks sinks, WebhookDeliverer? deliverer, SnapshotWriter? snapshots,
        string modelVersion, TimeSpan drain, ILoggerFactory logs, TimeProvider? time = null, TimeSpan? staleCheckInterval = null,
        IFrameObserver? frames = null)
    {
        _frames = frames;
        _alerting = alerting;
        _sinks = sinks;
        _outbox = sinks.Outbox;
        _deliverer = deliverer;
        _snapshots = snapshots;
        _modelVersion = modelVersion;
        _drain = drain;
        _time = time ?? TimeProvider.System;
        _staleCheckInterval = staleCheckInterval ?? TimeSpan.FromSeconds(1);
        _log = logs.CreateLogger("alerts");
        if (_outbox is { Depth: > 0 }) _log.LogInformation("Outbox holds {Depth} undelivered message(s) from before; delivering", _outbox.Depth);
    }

    /// <summary>Messages emitted, by lifecycle type (for summaries and tests).</summary>
    public Dictionary<AlertLifecycle, int> Emitted { get; } = new();

    /// <summary>Called when every frame read so far has been handled and the stage is about to wait for more (tests).</summary>
    internal Action? Waiting { get; set; }

    /// <summary>
    /// Reads every frame until the channel completes, ends the open events, then gives delivery its drain time. Returns
    /// <see cref="Summary"/> as it stands after the drain (its undelivered count is what stays in the outbox).
    /// </summary>
    public async Task<string> RunAsync(ChannelReader<ScoredFrame> frames, CancellationToken cancellation)
    {
        using var deliveryStop = new CancellationTokenSource();
        var delivery = _deliverer?.RunAsync(deliveryStop.Token) ?? Task.CompletedTask;
        try
        {
            await ReadFramesAsync(frames, cancellation);
            foreach (var (camera, c) in _cameras)
                foreach (var m in c.Events.EndAll(DateTimeOffset.UtcNow))
                    await EmitAsync(m, null, cancellation);
        }
        finally
        {
            await DrainAsync(deliveryStop, delivery);
        }
        return Summary();
    }

    /// <summary>
    /// Observes every frame until the channel completes. Whenever the channel is empty (every frame that reached this
    /// stage has been observed), at most once per check interval, ends the events of cameras that have gone silent
    /// (<see cref="EndStaleAsync"/>). The wait for the next frame also ends when the interval has passed, so this
    /// happens when no camera delivers anything too. The channel is waited on without a token (its one reusable
    /// waiter; a cancellable wait allocates per call) and raced with a timer through <see cref="Wake"/>: no allocation
    /// per frame.
    /// </summary>
    private async Task ReadFramesAsync(ChannelReader<ScoredFrame> frames, CancellationToken cancellation)
    {
        using var wake = new Wake(_time, cancellation);
        var lastCheck = _time.GetTimestamp();
        ValueTask<bool>? ready = null; // the pending wait for frames, kept across timer wake-ups
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            while (frames.TryRead(out var f))
            {
                using (f)
                {
                    if (f.Learning || f.WarmingUp)
                    {
                        _frames?.Observe(f, []);
                        continue;
                    }
                    await ObserveAsync(f, cancellation);
                }
            }
            if (_time.GetElapsedTime(lastCheck) >= _staleCheckInterval)
            {
                lastCheck = _time.GetTimestamp();
                await EndStaleAsync(lastCheck, cancellation);
            }
            if (ready is null)
            {
                var wait = frames.WaitToReadAsync();
                if (!wait.IsCompleted) wait.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(wake.Signal);
                ready = wait;
            }
            if (!ready.Value.IsCompleted)
            {
                wake.Arm(_staleCheckInterval);
                Waiting?.Invoke();
                await wake.WaitAsync();
                cancellation.ThrowIfCancellationRequested();
                if (!ready.Value.IsCompleted) continue; // the interval passed without a frame
            }
            var more = ready.Value.Result;
            ready = null;
            if (!more) return;
        }
    }

    /// <summary>Ends the events of every camera with open events whose last analysed frame arrived more than staleEndSeconds before <paramref name="now"/>.</summary>
    private async Task EndStaleAsync(long now, CancellationToken cancellation)
    {
        foreach (var (camera, c) in _cameras)
        {
            if (c.Events.OpenEvents == 0) continue;
            var silent = _time.GetElapsedTime(c.LastFrameTimestamp, now);
            if (silent.TotalSeconds <= _alerting.Events.StaleEndSeconds) continue;
            var ends = c.Events.EndStale();
            _log.LogInformation("Camera {Camera}: no frames for {Seconds:0} s; ended {Count} open event(s)", camera, silent.TotalSeconds, ends.Count);
            foreach (var m in ends) await EmitAsync(m, null, cancellation);
        }
    }

    /// <summary>One line for people: what was found and where it went.</summary>
    public string Summary()
    {
        var events = Emitted.GetValueOrDefault(AlertLifecycle.New);
        var where = new List<string>();
        if (_sinks.Jsonl is not null) where.Add($"messages in {_sinks.Jsonl.Path}");
        if (_snapshots is not null) where.Add($"snapshots in {_snapshots.DirectoryPath}");
        if (_outbox is not null) where.Add($"webhook outbox {_outbox.Path} ({_outbox.Depth} undelivered)");
        return $"alerts: {events} event(s) — {events} new, {Emitted.GetValueOrDefault(AlertLifecycle.Update)} update, " +
               $"{Emitted.GetValueOrDefault(AlertLifecycle.End)} end message(s)" + (where.Count > 0 ? $"; {string.Join("; ", where)}" : "");
    }

    private async Task ObserveAsync(ScoredFrame f, CancellationToken cancellation)
    {
        if (!_cameras.TryGetValue(f.CameraId, out var c))
        {
            c = new CameraTracking(new RegionExtractor(_alerting.RegionsFor(f.CameraId)), new EventTracker(f.CameraId, _alerting.Events, _modelVersion, f.ProfileVersion));
            _cameras[f.CameraId] = c;
        }
        c.LastFrameTimestamp = _time.GetTimestamp();
        c.Events.ProfileVersion = f.ProfileVersion;
        var frame = f.Frame;
        var pixels = frame.HasBgr ? new FramePixels(frame.BgrMemory, frame.BgrWidth, frame.BgrHeight) : null;
        var analysis = new FrameAnalysis(f.CameraId, frame.Index, frame.Timestamp, f.Score, f.MapArray, f.CellsW, f.CellsH,
            frame.SourceWidth, frame.SourceHeight, pixels, f.ProfileThreshold, f.FrameTailProbability,
            f.AttentionArray, f.FrameTailThreshold, f.ScoreSettled);
        var observation = c.Regions.Observe(analysis);
        _frames?.Observe(f, observation.Regions);
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
        await _sinks.EmitAsync(message, cancellation);
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

    private sealed class CameraTracking(RegionExtractor regions, EventTracker events)
    {
        public RegionExtractor Regions { get; } = regions;
        public EventTracker Events { get; } = events;
        /// <summary>The stage clock's timestamp when the camera's last analysed frame was observed.</summary>
        public long LastFrameTimestamp;
    }

    /// <summary>
    /// What wakes the frame loop: a frame becoming readable, the check interval passing, or the caller's cancellation.
    /// Each writes to a one-slot channel (a second write while one is pending is dropped) that the loop reads without a
    /// token, so waiting and re-arming the timer allocate nothing. A wake-up left over from an earlier wait only makes
    /// the loop look once more.
    /// </summary>
    private sealed class Wake : IDisposable
    {
        private readonly Channel<bool> _slot = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        private readonly ITimer _timer;
        private readonly CancellationTokenRegistration _stop;

        public Wake(TimeProvider time, CancellationToken stop)
        {
            Signal = () => _slot.Writer.TryWrite(true);
            _timer = time.CreateTimer(static s => ((Wake)s!).Signal(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _stop = stop.UnsafeRegister(static s => ((Wake)s!).Signal(), this);
        }

        /// <summary>Wakes the loop (cached: registering it allocates nothing).</summary>
        public Action Signal { get; }

        /// <summary>Wakes the loop once <paramref name="after"/> has passed (replaces the previous arming).</summary>
        public void Arm(TimeSpan after) => _timer.Change(after, Timeout.InfiniteTimeSpan);

        public ValueTask<bool> WaitAsync() => _slot.Reader.ReadAsync();

        public void Dispose()
        {
            _stop.Dispose();
            _timer.Dispose();
        }
    }
}
