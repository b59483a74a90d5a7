namespace Monitoring.Delivery;

/// <summary>What a requeue did for one webhook: its dead letters before, and how many went back into the outbox.</summary>
public sealed record RequeueOutcome(string Webhook, long DeadLettersBefore, int Requeued);

/// <summary>
/// The requeue behind <c>monitoring outbox requeue</c> and the dashboard's requeue button: the dead letters of every
/// configured webhook (or of <c>webhook</c> only) move back into the outbox with a fresh age
/// (<see cref="SqliteOutbox.RequeueDeadLettersAsync"/>); dead letters of webhooks no longer configured are left alone.
/// A running daemon sends them within <c>alerts.outbox.pollIntervalSeconds</c>.
/// </summary>
public static class DeadLetterRequeue
{
    /// <param name="backlog">The file's backlog (<see cref="OutboxInspector.Backlog"/>), read just before.</param>
    public static async Task<IReadOnlyList<RequeueOutcome>> RequeueAsync(string outboxPath, IReadOnlyList<WebhookEndpoint> configured,
        IReadOnlyList<WebhookBacklog> backlog, string? webhook, CancellationToken cancellation)
    {
        var dead = backlog.Where(b => b.DeadLetters > 0).ToDictionary(b => b.Webhook, b => b.DeadLetters, StringComparer.Ordinal);
        var targets = configured.Select(w => w.Name).Where(n => dead.ContainsKey(n) && (webhook is null || n == webhook)).ToList();
        if (targets.Count == 0) return [];
        var outcomes = new List<RequeueOutcome>(targets.Count);
        using var outbox = new SqliteOutbox(outboxPath, configured);
        foreach (var name in targets)
            outcomes.Add(new RequeueOutcome(name, dead[name], await outbox.RequeueDeadLettersAsync(name, cancellation)));
        return outcomes;
    }
}
