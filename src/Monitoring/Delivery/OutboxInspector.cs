using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Monitoring.Delivery;

/// <summary>What one webhook has in an outbox file: rows waiting, the oldest one's acceptance time, dead letters.</summary>
public sealed record WebhookBacklog(string Webhook, long Pending, DateTimeOffset? OldestPendingAt, long DeadLetters);

/// <summary>Where one message stands for one webhook in an outbox file: <c>pending</c> (not tried yet), <c>retrying</c> or <c>dead-letter</c>.</summary>
public sealed record MessageDelivery(string MessageId, string Webhook, string State, int Attempts, string? Reason);

/// <summary>
/// A read-only look at an outbox file written by <see cref="SqliteOutbox"/> (for <c>monitoring outbox</c>), safe beside a
/// running daemon: the connection is opened read-only (it never creates the file or writes to it) and each query is
/// one short statement, so under WAL it neither blocks nor is blocked by the daemon's writes.
/// </summary>
public sealed class OutboxInspector : IDisposable
{
    private readonly SqliteConnection _connection;

    /// <summary>Opens an existing outbox file; throws <see cref="FileNotFoundException"/> when there is none.</summary>
    public OutboxInspector(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"outbox file '{path}' does not exist", path);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 5 };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=2000";
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every webhook with rows or dead letters, by name.</summary>
    public IReadOnlyList<WebhookBacklog> Backlog()
    {
        var pending = new Dictionary<string, (long Count, long Oldest)>(StringComparer.Ordinal);
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT webhook, COUNT(*), MIN(created_at) FROM outbox GROUP BY webhook";
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) pending[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }
        var dead = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT webhook, COUNT(*) FROM dead_letter GROUP BY webhook";
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) dead[reader.GetString(0)] = reader.GetInt64(1);
        }
        return pending.Keys.Union(dead.Keys).Order(StringComparer.Ordinal)
            .Select(name => new WebhookBacklog(name,
                pending.TryGetValue(name, out var p) ? p.Count : 0,
                pending.TryGetValue(name, out p) ? DateTimeOffset.FromUnixTimeMilliseconds(p.Oldest) : null,
                dead.GetValueOrDefault(name)))
            .ToList();
    }

    /// <summary>The newest <paramref name="limit"/> dead letters (of one webhook, or all), newest first.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters(string? webhook, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT {SqliteOutbox.DeadLetterColumns} FROM dead_letter WHERE $webhook IS NULL OR webhook = $webhook ORDER BY id DESC LIMIT $limit";
        cmd.Parameters.AddWithValue("$webhook", (object?)webhook ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var reader = cmd.ExecuteReader();
        var list = new List<DeadLetter>();
        while (reader.Read()) list.Add(SqliteOutbox.ReadDeadLetter(reader));
        return list;
    }

    /// <summary>
    /// The rows of these messages still in the file (waiting in the outbox or dead); a message of a webhook that accepts
    /// its camera and has no row here was delivered.
    /// </summary>
    public IReadOnlyList<MessageDelivery> Deliveries(IReadOnlyCollection<string> messageIds)
    {
        var list = new List<MessageDelivery>();
        if (messageIds.Count == 0) return list;
        var ids = System.Text.Json.JsonSerializer.Serialize(messageIds);
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT message_id, webhook, attempts FROM outbox WHERE message_id IN (SELECT value FROM json_each($ids))";
            cmd.Parameters.AddWithValue("$ids", ids);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var attempts = reader.GetInt32(2);
                list.Add(new MessageDelivery(reader.GetString(0), reader.GetString(1), attempts == 0 ? "pending" : "retrying", attempts, null));
            }
        }
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT message_id, webhook, attempts, reason FROM dead_letter WHERE message_id IN (SELECT value FROM json_each($ids))";
            cmd.Parameters.AddWithValue("$ids", ids);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
                list.Add(new MessageDelivery(reader.GetString(0), reader.GetString(1), "dead-letter", reader.GetInt32(2), reader.GetString(3)));
        }
        return list;
    }

    /// <summary>The message's <c>type</c>, <c>eventId</c> and <c>sequence</c> (docs/alert-payload.schema.json), null where the body does not say.</summary>
    public static (string? Type, string? EventId, long? Sequence) Describe(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null, null);
            return (Text(root, "type"), Text(root, "eventId"),
                root.TryGetProperty("sequence", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) ? n : null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    public void Dispose() => _connection.Dispose();
}
