namespace Monitoring.Configuration;

/// <summary>"alerts.outbox": the durable outbox and its deliverer's timing.</summary>
public sealed class OutboxOptionsValidator : OptionsValidator<OutboxOptions>
{
    public override string DefaultPath => "alerts.outbox";

    public override void Validate(OutboxOptions o, string path, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(o.Path)) errors.Add($"{path}.path is empty: name the SQLite file of the outbox, e.g. \"data/alerts-outbox.db\".");
        if (!(o.RequestTimeoutSeconds > 0)) errors.Add($"{path}.requestTimeoutSeconds is {o.RequestTimeoutSeconds}: use a positive number of seconds.");
        if (!(o.BackoffBaseSeconds > 0)) errors.Add($"{path}.backoffBaseSeconds is {o.BackoffBaseSeconds}: use a positive number of seconds.");
        if (!(o.BackoffCapSeconds >= o.BackoffBaseSeconds)) errors.Add($"{path}.backoffCapSeconds is {o.BackoffCapSeconds}: use at least backoffBaseSeconds ({o.BackoffBaseSeconds}).");
        if (!(o.MaxAgeSeconds > 0)) errors.Add($"{path}.maxAgeSeconds is {o.MaxAgeSeconds}: use a positive number of seconds.");
        if (!(o.PollIntervalSeconds > 0)) errors.Add($"{path}.pollIntervalSeconds is {o.PollIntervalSeconds}: use a positive number of seconds.");
    }
}
