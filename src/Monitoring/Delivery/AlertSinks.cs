using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>
/// Where alert messages go, in order: the durable webhook outbox first (once it returned, the message survives a
/// crash), the JSON-lines file, the log, then <paramref name="observer"/> (tests). A failing sink does not stop the
/// others (<see cref="FanOutSink"/>). The sinks belong to whoever made them (the container).
/// </summary>
public sealed class AlertSinks(LoggingSink log, SqliteOutbox? outbox = null, JsonLinesFileSink? jsonl = null, IAlertSink? observer = null)
    : IAlertSink
{
    private readonly FanOutSink _all = new(new IAlertSink?[] { outbox, jsonl, log, observer }.OfType<IAlertSink>().ToArray());

    /// <summary>The webhook outbox, when webhooks are configured.</summary>
    public SqliteOutbox? Outbox => outbox;

    /// <summary>The JSON-lines file, when configured.</summary>
    public JsonLinesFileSink? Jsonl => jsonl;

    public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken) => _all.EmitAsync(message, cancellationToken);
}
