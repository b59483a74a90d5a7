namespace Monitoring.Delivery;

/// <summary>One message waiting for one webhook.</summary>
public sealed record OutboxRow(
    long RowId,
    string MessageId,
    string Webhook,
    string Camera,
    string Body,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError);
