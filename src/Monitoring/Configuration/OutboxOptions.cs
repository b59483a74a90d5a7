namespace Monitoring.Configuration;

/// <summary>
/// The durable outbox and its deliverer. JSON: <c>{ "path": "data/alerts-outbox.db", "requestTimeoutSeconds": 10,
/// "backoffBaseSeconds": 1, "backoffCapSeconds": 300, "maxAgeSeconds": 86400, "pollIntervalSeconds": 5 }</c>.
/// </summary>
public sealed class OutboxOptions
{
    public string Path { get; set; } = "alerts-outbox.db";
    public double RequestTimeoutSeconds { get; set; } = 10;
    public double BackoffBaseSeconds { get; set; } = 1;
    public double BackoffCapSeconds { get; set; } = 300;
    /// <summary>A message not delivered this long after it was accepted moves to the dead letters.</summary>
    public double MaxAgeSeconds { get; set; } = 86400;
    /// <summary>Idle deliverers look at the outbox at least this often (they are also woken by every insert).</summary>
    public double PollIntervalSeconds { get; set; } = 5;
}
