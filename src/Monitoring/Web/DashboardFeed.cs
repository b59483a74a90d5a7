using System.Collections.Concurrent;
using Monitoring.Alerting;
using Monitoring.Analysis;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Regions;

namespace Monitoring.Web;

/// <summary>
/// What the alert stage publishes to the dashboard: every analysed frame (<see cref="IFrameObserver"/>) and every alert
/// message (<see cref="IAlertSink"/>, after the outbox and the other sinks). Keeps per camera a <see cref="CameraView"/>
/// and the run's messages (<see cref="EventLog"/>). Rendering for viewers runs on the thread pool, never on the stage's task.
/// </summary>
public sealed class DashboardFeed : IFrameObserver, IAlertSink
{
    private readonly ConcurrentDictionary<string, CameraView> _cameras = new(StringComparer.Ordinal);
    private readonly DashboardOptions _options;
    private readonly AlertingOptions _alerting;
    private readonly ModelHead? _head;
    private readonly TimeProvider _time;
    private readonly long _minRenderTicks;
    private readonly int _scoreCapacity;

    /// <param name="head">The model's head, for the attention overlay (null: attention falls back to the anomaly map).</param>
    public DashboardFeed(DashboardOptions options, AlertingOptions alerting, ModelHead? head, TimeProvider? time = null)
    {
        _options = options;
        _alerting = alerting;
        _head = head;
        _time = time ?? TimeProvider.System;
        _minRenderTicks = (long)(_time.TimestampFrequency / options.MaxFps);
        // Enough samples for chartSeconds at up to 30 analysed frames per second.
        _scoreCapacity = Math.Clamp(options.ChartSeconds * 30, 300, 108_000);
        Events = new EventLog(options.MaxEvents);
    }

    public EventLog Events { get; }
    public bool AttentionAvailable => _head is not null;
    public TimeProvider Time => _time;

    public CameraView Camera(string id) => _cameras.GetOrAdd(id, i => new CameraView(i, _scoreCapacity));

    public bool TryGetCamera(string id, out CameraView view) => _cameras.TryGetValue(id, out view!);

    public void Observe(ScoredFrame frame, IReadOnlyList<Region> regions)
    {
        var view = Camera(frame.CameraId);
        try
        {
            var threshold = frame.Learning ? (float?)null : _alerting.RegionsFor(frame.CameraId).Threshold ?? frame.ProfileThreshold ?? RegionOptions.DefaultThreshold;
            view.Record(frame, regions, threshold, _time.GetUtcNow());
            if (!view.TryClaimRender(_time.GetTimestamp(), _minRenderTicks)) return;
        }
        catch (Exception e)
        {
            ObserveError = e.Message; // the dashboard never stops the alert stage
            return;
        }
        LiveFrame copy;
        try
        {
            copy = LiveFrame.Copy(frame, regions);
        }
        catch (Exception e)
        {
            ObserveError = e.Message;
            view.ReleaseClaim();
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.View.Render(s.Copy, s.Head), (View: view, Copy: copy, Head: _head), preferLocal: false);
    }

    /// <summary>The last error met while observing a frame (null when none): shown on the page, never thrown into the pipeline.</summary>
    public string? ObserveError { get; private set; }

    public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        Events.Add(message);
        Camera(message.Camera).OnMessage(message);
        return ValueTask.CompletedTask;
    }
}
