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

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path)) errors.Add($"{path}.path is empty: name the SQLite file of the outbox, e.g. \"data/alerts-outbox.db\".");
        if (!(RequestTimeoutSeconds > 0)) errors.Add($"{path}.requestTimeoutSeconds is {RequestTimeoutSeconds}: use a positive number of seconds.");
        if (!(BackoffBaseSeconds > 0)) errors.Add($"{path}.backoffBaseSeconds is {BackoffBaseSeconds}: use a positive number of seconds.");
        if (!(BackoffCapSeconds >= BackoffBaseSeconds)) errors.Add($"{path}.backoffCapSeconds is {BackoffCapSeconds}: use at least backoffBaseSeconds ({BackoffBaseSeconds}).");
        if (!(MaxAgeSeconds > 0)) errors.Add($"{path}.maxAgeSeconds is {MaxAgeSeconds}: use a positive number of seconds.");
        if (!(PollIntervalSeconds > 0)) errors.Add($"{path}.pollIntervalSeconds is {PollIntervalSeconds}: use a positive number of seconds.");
        return errors;
    }
}
