using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Regions;

namespace Monitoring.Tests.TestSupport;

/// <summary>Captures formatted log lines with their level.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
}

/// <summary>Sums the counters of one <see cref="DeliveryMetrics"/> instance and reads its gauge.</summary>
internal sealed class MetricProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    public long LastDepth { get; private set; } = -1;

    public MetricProbe(DeliveryMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "monitoring.alerts.outbox_depth") LastDepth = value;
            else _sums.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
        });
        _listener.Start();
    }

    public long this[string name] => _sums.TryGetValue(name, out var v) ? v : 0;

    public long Depth()
    {
        _listener.RecordObservableInstruments();
        return LastDepth;
    }

    public void Dispose() => _listener.Dispose();
}

internal static class Messages
{
    public static AlertMessage Make(int n, string camera = "cam", AlertLifecycle type = AlertLifecycle.New)
    {
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n);
        return new AlertMessage
        {
            Id = $"EVT{n:D6}.1",
            Type = type,
            EventId = $"EVT{n:D6}",
            Sequence = 1,
            Camera = camera,
            Zones = ["door"],
            StartedAt = at,
            LastSeenAt = at,
            OccurredAt = at,
            FrameIndex = n,
            FrameScore = 0.8f,
            MaxPeak = 0.9f,
            Regions = [new Region(new PixelBox(10, 20, 30, 40), 0.9f, 0.7f, 4, 1200, "door")],
            ModelVersion = "m1",
            ProfileVersion = "p1",
        };
    }

    public static async Task Eventually(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            await Task.Delay(25);
        }
    }
}
