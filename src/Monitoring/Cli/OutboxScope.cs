using Monitoring.Delivery;

namespace Monitoring.Cli;

/// <summary>
/// What <c>monitoring outbox</c> may show and touch: the webhooks of the config, against the rows the outbox holds (which
/// may name webhooks removed from the config since).
/// </summary>
internal sealed class OutboxScope(IReadOnlyList<string> configured)
{
    public IReadOnlyList<string> Configured { get; } = configured;

    public bool IsConfigured(string name) => Configured.Contains(name, StringComparer.Ordinal);

    public string ConfiguredList => Configured.Count == 0
        ? "no webhooks are configured (alerts.webhooks is empty)"
        : $"configured webhooks: {string.Join(", ", Configured)}";

    /// <summary>--webhook names neither a configured webhook nor one the outbox holds rows of.</summary>
    public bool IsUnknown(string? webhook, IReadOnlyList<WebhookBacklog> backlog) =>
        webhook is not null && !IsConfigured(webhook) && backlog.All(b => b.Webhook != webhook);

    /// <summary>The status rows: the configured webhooks, then those only the outbox knows; only <paramref name="webhook"/> when given.</summary>
    public List<string> Shown(string? webhook, IReadOnlyList<WebhookBacklog> backlog) =>
        Configured.Concat(backlog.Select(b => b.Webhook).Where(n => !IsConfigured(n)))
            .Where(n => webhook is null || n == webhook).ToList();

    /// <summary>Why a webhook's row stands out: rows of a webhook not in the config move to the dead letters at the next start.</summary>
    public string Note(string name, long pending) => IsConfigured(name) ? "" :
        pending > 0 ? "not configured: its pending rows move to the dead letters at the next start" : "not configured";
}
