using System.Diagnostics.Metrics;

namespace Monitoring.Delivery;

/// <summary>
/// Meter "Monitoring": counters monitoring.alerts.deliveries, monitoring.alerts.retries, monitoring.alerts.dead_letters
/// (tag "webhook"), observable gauge monitoring.alerts.outbox_depth (rows waiting).
/// </summary>
public sealed class DeliveryMetrics : IDisposable
{
    public const string MeterName = "Monitoring";
    private readonly bool _ownsMeter;
    private Func<long> _depth = () => 0;

    public DeliveryMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;
        Deliveries = Meter.CreateCounter<long>("monitoring.alerts.deliveries", description: "Webhook messages delivered (2xx).");
        Retries = Meter.CreateCounter<long>("monitoring.alerts.retries", description: "Failed webhook attempts scheduled for another try.");
        DeadLetters = Meter.CreateCounter<long>("monitoring.alerts.dead_letters", description: "Webhook messages moved to the dead letters.");
        Meter.CreateObservableGauge("monitoring.alerts.outbox_depth", () => _depth(), description: "Outbox rows waiting for delivery.");
    }

    public Meter Meter { get; }
    public Counter<long> Deliveries { get; }
    public Counter<long> Retries { get; }
    public Counter<long> DeadLetters { get; }

    /// <summary>The gauge reads this (the outbox sets it to its cached row count).</summary>
    public void ObserveDepth(Func<long> depth) => _depth = depth;

    public void Dispose()
    {
        if (_ownsMeter) Meter.Dispose();
    }
}
