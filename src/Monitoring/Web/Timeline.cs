using System.Globalization;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Events;
using Microsoft.Data.Sqlite;

namespace Monitoring.Web;

public sealed record DeliveryDto(string Webhook, string State, int Attempts, string? Reason);
public sealed record SnapshotDto(string? Annotated, string? Clean);

/// <summary>One alert message on the timeline, with where it stands at each webhook.</summary>
public sealed record TimelineEntry(
    string Id, string Type, string EventId, int Sequence, string Camera, IReadOnlyList<string> Zones,
    DateTimeOffset OccurredAt, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? EndReason, bool Reopened,
    float FrameScore, float MaxPeak, IReadOnlyList<RegionDto> Regions, SnapshotDto? Snapshot, IReadOnlyList<DeliveryDto> Delivery);

public sealed record WebhookDto(string Name, long Pending, DateTimeOffset? OldestPendingAt, long DeadLetters);
public sealed record TimelineDto(IReadOnlyList<TimelineEntry> Messages, IReadOnlyList<WebhookDto> Webhooks, string? OutboxError);

/// <summary>A filter of the timeline: camera, zone, time range (any may be null).</summary>
public sealed record TimelineFilter(string? Camera, string? Zone, DateTimeOffset? From, DateTimeOffset? To)
{
    public bool Matches(AlertMessage m) =>
        (string.IsNullOrEmpty(Camera) || m.Camera == Camera) &&
        (string.IsNullOrEmpty(Zone) || m.Zones.Contains(Zone, StringComparer.Ordinal) || m.Regions.Any(r => r.Zone == Zone)) &&
        (From is null || m.OccurredAt >= From) &&
        (To is null || m.OccurredAt <= To);

    /// <summary>Parses ISO 8601 times (or unix milliseconds); a bad value is an error naming the parameter.</summary>
    public static TimelineFilter Parse(string? camera, string? zone, string? from, string? to) =>
        new(camera, zone, Time(from, "from"), Time(to, "to"));

    private static DateTimeOffset? Time(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)) return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw new FormatException($"'{name}' is '{text}', not a time: use ISO 8601 (2026-12-04T14:00:00Z) or unix milliseconds");
    }
}

/// <summary>The events timeline: this run's messages (<see cref="EventLog"/>) joined with the outbox file's rows per webhook.</summary>
public sealed class Timeline(MonitoringOptions options, DashboardFeed feed)
{
    public const string SnapshotRoute = "/dashboard/snapshots/";

    private string OutboxPath => options.ResolvePath(options.Alerts.Outbox.Path);

    public TimelineDto Query(TimelineFilter filter, int limit = 200)
    {
        var messages = feed.Events.Messages().Where(filter.Matches).Take(limit).ToList();
        var rows = new List<MessageDelivery>();
        var webhooks = new List<WebhookDto>();
        string? error = null;
        if (options.Alerts.Webhooks.Length > 0 && File.Exists(OutboxPath))
        {
            try
            {
                using var inspector = new OutboxInspector(OutboxPath);
                rows.AddRange(inspector.Deliveries(messages.Select(m => m.Id).ToList()));
                webhooks.AddRange(inspector.Backlog().Select(b => new WebhookDto(b.Webhook, b.Pending, b.OldestPendingAt, b.DeadLetters)));
            }
            catch (SqliteException e)
            {
                error = $"the outbox file could not be read: {e.Message}";
            }
        }
        foreach (var w in options.Alerts.Webhooks.Select(w => w.EffectiveName).Where(n => webhooks.All(b => b.Name != n)))
            webhooks.Add(new WebhookDto(w, 0, null, 0));
        var byMessage = rows.ToLookup(r => r.MessageId);
        return new TimelineDto(messages.Select(m => Entry(m, byMessage[m.Id])).ToList(), webhooks.OrderBy(w => w.Name, StringComparer.Ordinal).ToList(), error);
    }

    public TimelineEntry Entry(AlertMessage m, IEnumerable<MessageDelivery> rows)
    {
        var found = rows.ToList();
        var delivery = options.Alerts.Webhooks
            .Where(w => w.Cameras.Length == 0 || w.Cameras.Contains(m.Camera, StringComparer.Ordinal))
            .Select(w =>
            {
                var row = found.FirstOrDefault(r => r.Webhook == w.EffectiveName);
                return row is null ? new DeliveryDto(w.EffectiveName, "delivered", 0, null) : new DeliveryDto(row.Webhook, row.State, row.Attempts, row.Reason);
            }).ToList();
        var snapshot = m.Snapshot is null ? null : new SnapshotDto(Link(m.Snapshot.Annotated), Link(m.Snapshot.Clean));
        return new TimelineEntry(m.Id, m.Type.ToString().ToLowerInvariant(), m.EventId, m.Sequence, m.Camera, m.Zones, m.OccurredAt, m.StartedAt,
            m.EndedAt, m.EndReason?.ToString().ToLowerInvariant(), m.Reopened, m.FrameScore, m.MaxPeak,
            m.Regions.Select(r => new RegionDto(r.Box, r.Peak, r.Zone)).ToList(), snapshot, delivery);
    }

    /// <summary>The dashboard's URL of a snapshot file (the payload holds its path or the configured URL).</summary>
    private static string? Link(string? pathOrUrl) =>
        string.IsNullOrEmpty(pathOrUrl) ? null : SnapshotRoute + Uri.EscapeDataString(Path.GetFileName(pathOrUrl.Split('?')[0]));
}
