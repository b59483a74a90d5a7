using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>
/// Emits to every sink in order. A failing sink does not stop the others; after all were tried the failures are
/// thrown together. Put the outbox first: once it returned, the message is durable.
/// </summary>
public sealed class FanOutSink(params IAlertSink[] sinks) : IAlertSink
{
    public async ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        foreach (var sink in sinks)
        {
            try
            {
                await sink.EmitAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (failures ??= []).Add(ex);
            }
        }
        if (failures is not null) throw new AggregateException($"{failures.Count} alert sink(s) failed for message {message.Id}.", failures);
    }
}
