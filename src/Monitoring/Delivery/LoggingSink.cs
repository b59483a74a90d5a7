using Microsoft.Extensions.Logging;
using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>Writes one structured log line per message (no payload body, no secrets).</summary>
public sealed class LoggingSink(ILogger<LoggingSink> logger) : IAlertSink
{
    public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "Alert {Lifecycle} {EventId} #{Sequence} camera {Camera} zones {Zones} regions {RegionCount} max peak {MaxPeak:0.00}",
            message.Type, message.EventId, message.Sequence, message.Camera, message.Zones, message.Regions.Count, message.MaxPeak);
        return ValueTask.CompletedTask;
    }
}
