using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>Receives alert messages. Compose behaviour by wrapping sinks (fan-out, outbox, logging, file).</summary>
public interface IAlertSink
{
    ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken);
}
