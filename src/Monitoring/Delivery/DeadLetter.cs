namespace Monitoring.Delivery;

/// <summary>A message given up on for one webhook, kept with the reason (see <see cref="SqliteOutbox.RequeueDeadLettersAsync"/>).</summary>
public sealed record DeadLetter(
    long Id,
    string MessageId,
    string Webhook,
    string Camera,
    string Url,
    string Body,
    DateTimeOffset CreatedAt,
    int Attempts,
    string Reason,
    DateTimeOffset DeadAt);
