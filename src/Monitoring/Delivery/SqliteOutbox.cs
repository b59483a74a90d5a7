using Microsoft.Data.Sqlite;
using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>
/// The durable outbox: <see cref="EmitAsync"/> inserts one row per (message × webhook whose camera filter accepts
/// it) in one transaction and returns only after the commit is on disk; from then on the message is accepted.
/// SQLite in WAL mode with <c>synchronous=FULL</c>: every commit fsyncs the WAL, so an accepted message survives a
/// power cut, not only a process crash (NORMAL+WAL may lose the last commits on power loss; alerts are few, fsync
/// per commit is cheap at that rate). Delivered rows are deleted; given-up rows move to <c>dead_letter</c>.
/// Re-emitting a message id is idempotent (unique message_id × webhook). One daemon per file; <c>monitoring outbox</c>
/// may read it and requeue dead letters beside a running daemon (short transactions; the deliverer polls).
/// Thread-safe: one connection behind a gate held only for short statements, never across HTTP.
/// </summary>
public sealed class SqliteOutbox : IAlertSink, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IReadOnlyList<WebhookEndpoint> _webhooks;
    private long _depth;

    public SqliteOutbox(string path, IReadOnlyList<WebhookEndpoint> webhooks)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _webhooks = webhooks;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 30 };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL,
                webhook TEXT NOT NULL,
                camera TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error TEXT,
                UNIQUE (message_id, webhook));
            CREATE INDEX IF NOT EXISTS outbox_webhook ON outbox (webhook, id);
            CREATE TABLE IF NOT EXISTS dead_letter (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL,
                webhook TEXT NOT NULL,
                url TEXT NOT NULL,
                camera TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                reason TEXT NOT NULL,
                dead_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS dead_letter_webhook ON dead_letter (webhook, id);
            """);
        _depth = Scalar("SELECT COUNT(*) FROM outbox");
    }

    /// <summary>
    /// Rows waiting (cached; exact after every statement of this instance, and after <see cref="RecountAsync"/>, which
    /// also counts rows another process added, e.g. <c>monitoring outbox requeue</c>). Never below zero.
    /// </summary>
    public long Depth => Interlocked.Read(ref _depth);

    /// <summary>The SQLite file, as given.</summary>
    public string Path { get; }

    /// <summary>Counts the waiting rows in the file afresh (the deliverer does this every poll interval).</summary>
    public async Task RecountAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Exchange(ref _depth, Scalar("SELECT COUNT(*) FROM outbox"));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Only under the gate. Rows another process added are not in the cache until the next recount: do not go below zero meanwhile.</summary>
    private void AddDepth(long delta) => Interlocked.Exchange(ref _depth, Math.Max(0, Interlocked.Read(ref _depth) + delta));

    /// <summary>Raised after rows were committed, with the webhook names that got rows (wakes the deliverer).</summary>
    public event Action<IReadOnlyCollection<string>>? Enqueued;

    public async ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var targets = _webhooks.Where(w => w.Accepts(message.Camera)).Select(w => w.Name).ToArray();
        if (targets.Length == 0) return;
        string body = AlertJson.Serialize(message);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        int inserted = 0;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT OR IGNORE INTO outbox (message_id, webhook, camera, body, created_at, next_attempt_at)
                VALUES ($id, $webhook, $camera, $body, $now, $now)
                """;
            var webhook = cmd.Parameters.Add("$webhook", SqliteType.Text);
            cmd.Parameters.AddWithValue("$id", message.Id);
            cmd.Parameters.AddWithValue("$camera", message.Camera);
            cmd.Parameters.AddWithValue("$body", body);
            cmd.Parameters.AddWithValue("$now", now);
            foreach (var name in targets)
            {
                webhook.Value = name;
                inserted += cmd.ExecuteNonQuery();
            }
            tx.Commit();
            AddDepth(inserted);
        }
        finally
        {
            _gate.Release();
        }
        if (inserted > 0) Enqueued?.Invoke(targets);
    }

    /// <summary>The oldest waiting row of a webhook (deliveries are in insertion order per webhook).</summary>
    public async Task<OutboxRow?> PeekAsync(string webhook, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT id, message_id, webhook, camera, body, created_at, attempts, next_attempt_at, last_error
                FROM outbox WHERE webhook = $webhook ORDER BY id LIMIT 1
                """;
            cmd.Parameters.AddWithValue("$webhook", webhook);
            using var reader = cmd.ExecuteReader();
            if (!reader.Read()) return null;
            return new OutboxRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetInt32(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)), reader.IsDBNull(8) ? null : reader.GetString(8));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Webhook names that have rows (including names no longer configured).</summary>
    public async Task<IReadOnlyList<string>> WebhooksWithRowsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT DISTINCT webhook FROM outbox";
            using var reader = cmd.ExecuteReader();
            var names = new List<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            return names;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task MarkDeliveredAsync(long rowId, CancellationToken cancellationToken) =>
        WriteAsync(cmd =>
        {
            cmd.CommandText = "DELETE FROM outbox WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", rowId);
            AddDepth(-cmd.ExecuteNonQuery());
        }, cancellationToken);

    public Task RescheduleAsync(long rowId, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) =>
        WriteAsync(cmd =>
        {
            cmd.CommandText = "UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", rowId);
            cmd.Parameters.AddWithValue("$attempts", attempts);
            cmd.Parameters.AddWithValue("$next", nextAttemptAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$error", error);
            cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Moves a row to <c>dead_letter</c> in one transaction (never a moment where it is in neither table).</summary>
    public Task DeadLetterAsync(OutboxRow row, string url, int attempts, string reason, CancellationToken cancellationToken) =>
        WriteAsync(cmd =>
        {
            cmd.CommandText = """
                INSERT INTO dead_letter (message_id, webhook, url, camera, body, created_at, attempts, reason, dead_at)
                SELECT message_id, webhook, $url, camera, body, created_at, $attempts, $reason, $now FROM outbox WHERE id = $id;
                DELETE FROM outbox WHERE id = $id;
                """;
            cmd.Parameters.AddWithValue("$id", row.RowId);
            cmd.Parameters.AddWithValue("$url", url);
            cmd.Parameters.AddWithValue("$attempts", attempts);
            cmd.Parameters.AddWithValue("$reason", reason);
            cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            cmd.ExecuteNonQuery();
            AddDepth(-1);
        }, cancellationToken);

    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"SELECT {DeadLetterColumns} FROM dead_letter ORDER BY id";
            using var reader = cmd.ExecuteReader();
            var list = new List<DeadLetter>();
            while (reader.Read()) list.Add(ReadDeadLetter(reader));
            return list;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The columns <see cref="ReadDeadLetter"/> reads, in its order.</summary>
    internal const string DeadLetterColumns = "id, message_id, webhook, camera, url, body, created_at, attempts, reason, dead_at";

    internal static DeadLetter ReadDeadLetter(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), reader.GetInt32(7), reader.GetString(8),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)));

    /// <summary>Puts dead letters (of one webhook, or all) back into the outbox with a fresh age; returns how many.</summary>
    public async Task<int> RequeueDeadLettersAsync(string? webhook, CancellationToken cancellationToken)
    {
        int moved = 0;
        await WriteAsync(cmd =>
        {
            cmd.CommandText = """
                INSERT OR IGNORE INTO outbox (message_id, webhook, camera, body, created_at, next_attempt_at)
                SELECT message_id, webhook, camera, body, $now, $now FROM dead_letter WHERE $webhook IS NULL OR webhook = $webhook ORDER BY id;
                """;
            cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$webhook", (object?)webhook ?? DBNull.Value);
            moved = cmd.ExecuteNonQuery();
            cmd.CommandText = "DELETE FROM dead_letter WHERE $webhook IS NULL OR webhook = $webhook";
            cmd.ExecuteNonQuery();
            AddDepth(moved);
        }, cancellationToken).ConfigureAwait(false);
        if (moved > 0) Enqueued?.Invoke(webhook is null ? _webhooks.Select(w => w.Name).ToArray() : [webhook]);
        return moved;
    }

    private async Task WriteAsync(Action<SqliteCommand> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            write(cmd);
            tx.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _gate.Wait();
        _connection.Dispose();
        _gate.Dispose();
    }
}
