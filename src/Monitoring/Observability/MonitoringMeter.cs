using System.Diagnostics.Metrics;

namespace Monitoring.Observability;

/// <summary>The one <see cref="Meter"/> every stage publishes to; /metrics exports all of its instruments.</summary>
public static class MonitoringMeter
{
    public const string Name = "Monitoring";
    public static readonly Meter Instance = new(Name, "1.0");
}
