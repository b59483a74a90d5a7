using System.Globalization;
using Microsoft.Data.Sqlite;
using Monitoring.Configuration;
using Monitoring.Delivery;
using static Monitoring.Cli.OutboxText;

namespace Monitoring.Cli;

/// <summary>
/// <c>monitoring outbox --config FILE [status|dead-letters|requeue] [--webhook NAME] [--limit N]</c>: what the webhook
/// outbox (<c>alerts.outbox.path</c>) holds, and dead letters put back after a receiver was fixed. Safe beside a running
/// daemon: <c>status</c> and <c>dead-letters</c> only read (never creating the file); <c>requeue</c> is one short write
/// transaction, and the daemon's deliverer finds the rows on its next poll (<c>alerts.outbox.pollIntervalSeconds</c>).
/// Exit codes: 0 ok, 1 the outbox file cannot be read, 2 bad configuration or usage (unknown webhook included).
/// The actions and options are declared in <see cref="Commands"/>.
/// </summary>
public static class OutboxCommand
{
    public const int DefaultLimit = 50;
    public static readonly string[] Actions = ["status", "dead-letters", "requeue"];

    /// <param name="action">One of <see cref="Actions"/>.</param>
    /// <param name="limit">--limit as given (dead-letters only), null for <see cref="DefaultLimit"/>.</param>
    public static async Task<int> RunAsync(string action, string configPath, string? webhook, int? limit, TextWriter stdout, TextWriter stderr,
        TimeProvider? clock = null)
    {
        if (!Actions.Contains(action)) throw new ArgumentOutOfRangeException(nameof(action), action, "not an outbox action");
        clock ??= TimeProvider.System;
        try
        {
            CheckArguments(action, webhook, limit);
            var options = ConfigLoader.Load(configPath);
            var context = new Context(configPath, options.ResolvePath(options.Alerts.Outbox.Path),
                new OutboxScope(options.Alerts.Webhooks.Select(w => w.EffectiveName).ToList()), options, stdout, stderr, clock);
            return action switch
            {
                "status" => Status(context, webhook),
                "dead-letters" => DeadLetters(context, webhook, limit ?? DefaultLimit),
                _ => await RequeueAsync(context, webhook),
            };
        }
        catch (Exception e) when (e is UsageException or ConfigException)
        {
            // What Program prints for run's usage and config errors, with the same exit code.
            stderr.WriteLine($"monitoring outbox: {e.Message}");
            return 2;
        }
        catch (SqliteException e)
        {
            stderr.WriteLine($"monitoring outbox: the outbox file could not be used: {e.Message}");
            return 1;
        }
    }

    /// <summary>The options' combinations the command cannot act on (<see cref="UsageException"/>, exit 2).</summary>
    private static void CheckArguments(string action, string? webhook, int? limit)
    {
        if (webhook is not null && string.IsNullOrWhiteSpace(webhook)) throw new UsageException("--webhook wants a webhook name");
        if (limit < 1) throw new UsageException($"--limit wants a positive number of dead letters, got {limit}");
        if (action != "dead-letters" && limit is not null) throw new UsageException("--limit applies to dead-letters only");
    }

    private sealed record Context(string ConfigPath, string OutboxPath, OutboxScope Scope, MonitoringOptions Options,
        TextWriter Out, TextWriter Error, TimeProvider Clock)
    {
        public bool IsConfigured(string name) => Scope.IsConfigured(name);

        public string Command(string action) => $"monitoring outbox {action} --config {ConfigPath}";
    }

    /// <summary>Names the file; when it does not exist yet, says so (or rejects an unknown webhook) and returns the exit code.</summary>
    private static int? NoOutboxYet(Context c, string? webhook, string consequence)
    {
        c.Out.WriteLine($"outbox: {c.OutboxPath}");
        if (File.Exists(c.OutboxPath)) return null;
        if (webhook is not null && !c.IsConfigured(webhook)) return UnknownWebhook(c, webhook, []);
        c.Out.WriteLine($"no outbox file yet: {consequence}");
        return 0;
    }

    private static int Status(Context c, string? webhook)
    {
        if (NoOutboxYet(c, webhook, "nothing has been queued (the daemon creates it when it starts with webhooks configured)") is { } exit)
            return exit;
        IReadOnlyList<WebhookBacklog> backlog;
        using (var inspector = new OutboxInspector(c.OutboxPath)) backlog = inspector.Backlog();
        if (c.Scope.IsUnknown(webhook, backlog)) return UnknownWebhook(c, webhook!, backlog);

        var byName = backlog.ToDictionary(b => b.Webhook, StringComparer.Ordinal);
        var names = c.Scope.Shown(webhook, backlog);
        if (names.Count == 0)
        {
            c.Out.WriteLine("no webhooks are configured and the outbox is empty");
            return 0;
        }
        var now = c.Clock.GetUtcNow();
        var table = new TextTable("WEBHOOK", "PENDING", "OLDEST PENDING", "DEAD LETTERS", "");
        foreach (var name in names)
        {
            var b = byName.GetValueOrDefault(name) ?? new WebhookBacklog(name, 0, null, 0);
            table.Add(name, Count(b.Pending), b.OldestPendingAt is { } at ? Age(now - at) : "-", Count(b.DeadLetters), c.Scope.Note(name, b.Pending));
        }
        table.WriteTo(c.Out);
        var shown = names.Select(n => byName.GetValueOrDefault(n)).Where(b => b is not null).ToList();
        long pending = shown.Sum(b => b!.Pending), dead = shown.Sum(b => b!.DeadLetters);
        c.Out.WriteLine($"total: {Count(pending)} pending, {Count(dead)} dead letter(s)");
        if (dead > 0) c.Out.WriteLine($"list the dead letters: {c.Command("dead-letters")}");
        if (shown.Any(b => b!.DeadLetters > 0 && c.IsConfigured(b.Webhook)))
            c.Out.WriteLine($"requeue them once the receiver is fixed: {c.Command("requeue")} [--webhook NAME]");
        if (shown.Any(b => b!.DeadLetters > 0 && !c.IsConfigured(b.Webhook)))
            c.Out.WriteLine("dead letters of a webhook that is not configured can be requeued after adding it back to alerts.webhooks under the same name");
        return 0;
    }

    private static int DeadLetters(Context c, string? webhook, int limit)
    {
        if (NoOutboxYet(c, webhook, "nothing has been queued, so there are no dead letters") is { } exit) return exit;
        IReadOnlyList<WebhookBacklog> backlog;
        IReadOnlyList<DeadLetter> letters;
        using (var inspector = new OutboxInspector(c.OutboxPath))
        {
            backlog = inspector.Backlog();
            if (c.Scope.IsUnknown(webhook, backlog)) return UnknownWebhook(c, webhook!, backlog);
            letters = inspector.DeadLetters(webhook, limit);
        }
        long total = backlog.Where(b => webhook is null || b.Webhook == webhook).Sum(b => b.DeadLetters);
        var of = webhook is null ? "" : $" of webhook '{webhook}'";
        if (letters.Count == 0)
        {
            c.Out.WriteLine($"no dead letters{of}");
            return 0;
        }
        total = Math.Max(total, letters.Count); // the daemon may have added some between the two reads
        c.Out.WriteLine(letters.Count < total
            ? $"{Count(total)} dead letter(s){of}; the newest {letters.Count}, newest first (--limit N shows more):"
            : $"{Count(total)} dead letter(s){of}, newest first:");
        var table = new TextTable("ID", "DEAD AT (UTC)", "WEBHOOK", "CAMERA", "TYPE", "EVENT", "SEQ", "ATTEMPTS", "ACCEPTED AT (UTC)", "URL", "REASON");
        foreach (var d in letters)
        {
            var (type, eventId, sequence) = OutboxInspector.Describe(d.Body);
            table.Add(d.Id.ToString(CultureInfo.InvariantCulture), Time(d.DeadAt), d.Webhook, d.Camera, type ?? "?", eventId ?? "?",
                sequence?.ToString(CultureInfo.InvariantCulture) ?? "?", d.Attempts.ToString(CultureInfo.InvariantCulture), Time(d.CreatedAt),
                // Stored redacted (SafeUrl); redacted again so that no query or user info can ever be printed.
                WebhookOptions.Redact(d.Url), OneLine(d.Reason));
        }
        table.WriteTo(c.Out);
        var orphans = letters.Select(d => d.Webhook).Where(n => !c.IsConfigured(n)).Distinct().ToList();
        if (orphans.Count > 0)
            c.Out.WriteLine($"not configured any more: {string.Join(", ", orphans)} (add it back to alerts.webhooks under the same name to requeue its dead letters)");
        return 0;
    }

    private static async Task<int> RequeueAsync(Context c, string? webhook)
    {
        if (!File.Exists(c.OutboxPath))
        {
            if (webhook is not null && !c.IsConfigured(webhook)) return UnknownWebhook(c, webhook, []);
            c.Out.WriteLine($"outbox: {c.OutboxPath}");
            c.Out.WriteLine("no outbox file yet: nothing has been queued, so there are no dead letters to requeue");
            return 0;
        }
        IReadOnlyList<WebhookBacklog> backlog;
        using (var inspector = new OutboxInspector(c.OutboxPath)) backlog = inspector.Backlog();
        var dead = backlog.Where(b => b.DeadLetters > 0).ToDictionary(b => b.Webhook, b => b.DeadLetters, StringComparer.Ordinal);
        if (webhook is not null && !c.IsConfigured(webhook))
        {
            if (!dead.TryGetValue(webhook, out var n)) return UnknownWebhook(c, webhook, backlog);
            c.Error.WriteLine($"monitoring outbox: webhook '{webhook}' is not in the config ({c.Scope.ConfiguredList}) but has {Count(n)} dead letter(s); " +
                              "requeued now they would only move back to the dead letters when the daemon starts. Add the webhook back to " +
                              $"alerts.webhooks with \"name\": \"{webhook}\" (and its url and secretEnv), then requeue again.");
            return 2;
        }

        c.Out.WriteLine($"outbox: {c.OutboxPath}");
        var outcomes = await DeadLetterRequeue.RequeueAsync(c.OutboxPath, WebhookEndpoint.FromOptions(c.Options.Alerts), backlog, webhook, CancellationToken.None);
        long moved = outcomes.Sum(o => (long)o.Requeued);
        if (outcomes.Count == 0)
            c.Out.WriteLine(webhook is null ? "no dead letters to requeue" : $"webhook '{webhook}' has no dead letters to requeue");
        foreach (var (name, before, n) in outcomes)
        {
            var note = n < before ? $" ({Count(before - n)} already waiting in the outbox under the same message id)" : "";
            c.Out.WriteLine($"requeued {Count(n)} dead letter(s) of webhook '{name}'{note}");
        }
        if (moved > 0)
        {
            var poll = c.Options.Alerts.Outbox.PollIntervalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            c.Out.WriteLine($"a running daemon sends them within alerts.outbox.pollIntervalSeconds ({poll} s); a stopped one at its next start");
        }
        if (webhook is null)
        {
            foreach (var (name, n) in dead.Where(d => !c.IsConfigured(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal))
                c.Error.WriteLine($"monitoring outbox: left {Count(n)} dead letter(s) of webhook '{name}', which is not in the config: requeued they would " +
                                  $"only move back to the dead letters at the next start. Add it back to alerts.webhooks with \"name\": \"{name}\" to requeue them.");
        }
        return 0;
    }

    private static int UnknownWebhook(Context c, string webhook, IReadOnlyList<WebhookBacklog> backlog)
    {
        var others = backlog.Select(b => b.Webhook).Where(n => !c.IsConfigured(n)).ToList();
        var also = others.Count > 0 ? $"; the outbox also holds rows of {string.Join(", ", others)}" : "";
        c.Error.WriteLine($"monitoring outbox: unknown webhook '{webhook}': {c.Scope.ConfiguredList}{also}");
        return 2;
    }
}
