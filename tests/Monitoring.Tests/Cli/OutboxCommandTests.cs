using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Monitoring.Cli;
using Monitoring.Delivery;
using Monitoring.Events;

namespace Monitoring.Tests.Cli;

/// <summary><c>monitoring outbox status|dead-letters|requeue</c> over real outbox files (and a real receiver for requeue).</summary>
[Trait("Category", "Integration")]
public class OutboxCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A config in <paramref name="dir"/> whose webhooks carry a secret in their URL query (never to be printed).</summary>
    private static string WriteConfig(TempDir dir, params (string Name, int Port, string[]? Cameras)[] webhooks)
    {
        var env = "MONITORING_TEST_OUTBOX_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(env, "plain-secret");
        var hooks = new JsonArray();
        foreach (var (name, port, cameras) in webhooks)
        {
            var hook = new JsonObject { ["name"] = name, ["url"] = $"http://user:config-password@127.0.0.1:{port}/hook?token=config-secret", ["secretEnv"] = env };
            if (cameras is not null) hook["cameras"] = new JsonArray(cameras.Select(c => (JsonNode)c).ToArray());
            hooks.Add(hook);
        }
        var root = new JsonObject
        {
            ["model"] = new JsonObject { ["path"] = Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx") },
            ["cameras"] = new JsonArray(new JsonObject { ["id"] = "door", ["url"] = "door.avi", ["autoLearnFrames"] = 5 }),
            ["alerts"] = new JsonObject
            {
                ["webhooks"] = hooks,
                ["outbox"] = new JsonObject { ["path"] = "data/outbox.db", ["pollIntervalSeconds"] = 0.2 }, // relative to the config
            },
        };
        return DaemonProcess.WriteConfig(dir.File("monitoring.json"), root);
    }

    private static string OutboxPath(TempDir dir) => Path.Combine(dir.Path, "data", "outbox.db");

    /// <summary>The whole command line, parsed as Program parses it, with the outbox's output captured.</summary>
    private static async Task<(int Code, string Out, string Error)> Run(string[] args, TimeProvider? clock = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await Program.RunAsync(args, stdout, stderr, clock);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Moves the oldest row of <paramref name="webhook"/> to the dead letters, as the deliverer does on a permanent failure.</summary>
    private static async Task DeadLetterHeadAsync(SqliteOutbox outbox, string webhook, string url, string reason = "permanent failure: HTTP 400 Bad Request")
    {
        var row = await outbox.PeekAsync(webhook, CancellationToken.None) ?? throw new InvalidOperationException($"no row of {webhook}");
        await outbox.DeadLetterAsync(row, url, 1, reason, CancellationToken.None);
    }

    /// <summary>The cells of the table line whose first cell is <paramref name="first"/>.</summary>
    private static string[] Line(string text, string first) =>
        text.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(cells => cells.Length > 0 && cells[0] == first);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task Status_counts_pending_rows_oldest_age_and_dead_letters_per_webhook_while_the_outbox_is_open()
    {
        using var dir = new TempDir();
        var config = WriteConfig(dir, ("ops", 9, null), ("yard", 9, ["yard"]));
        var key = DeliveryRig.NewKey();
        using (var old = new SqliteOutbox(OutboxPath(dir), [DeliveryRig.Endpoint(key, 9, "old")]))
            await old.EmitAsync(Messages.Make(100), CancellationToken.None); // a webhook since removed from the config

        // The daemon's outbox stays open (and written) while the command reads.
        using var outbox = new SqliteOutbox(OutboxPath(dir), [DeliveryRig.Endpoint(key, 9, "ops"), DeliveryRig.Endpoint(key, 9, "yard", ["yard"])]);
        var before = DateTimeOffset.UtcNow;
        for (int i = 0; i < 3; i++) await outbox.EmitAsync(Messages.Make(i, camera: "door"), CancellationToken.None);
        for (int i = 3; i < 5; i++) await outbox.EmitAsync(Messages.Make(i, camera: "yard"), CancellationToken.None);
        await DeadLetterHeadAsync(outbox, "ops", "http://127.0.0.1:9/hook");

        var (code, text, error) = await Run(["outbox", "--config", config], new FixedClock(before + TimeSpan.FromMinutes(125.5)));
        Assert.True(code == 0, error);
        Assert.Contains($"outbox: {OutboxPath(dir)}", text);
        Assert.Equal(["ops", "4", "2h", "05m", "1"], Line(text, "ops"));
        Assert.Equal(["yard", "2", "2h", "05m", "0"], Line(text, "yard"));
        Assert.Equal(["old", "1", "2h", "05m", "0", "not", "configured:"], Line(text, "old")[..7]);
        Assert.Contains("not configured: its pending rows move to the dead letters at the next start", text);
        Assert.Contains("total: 7 pending, 1 dead letter(s)", text);
        Assert.Contains("outbox requeue --config", text);
        Assert.DoesNotContain("config-secret", text + error);
        Assert.DoesNotContain("config-password", text + error);

        (code, text, _) = await Run(["outbox", "status", "--config", config, "--webhook", "yard"]);
        Assert.Equal(0, code);
        Assert.Equal(["yard", "2"], Line(text, "yard")[..2]);
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("ops", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first_with_event_fields_redacted_urls_and_a_limit()
    {
        using var dir = new TempDir();
        var config = WriteConfig(dir, ("ops", 9, null));
        using (var outbox = new SqliteOutbox(OutboxPath(dir), [DeliveryRig.Endpoint(DeliveryRig.NewKey(), 9, "ops")]))
        {
            for (int i = 0; i < 5; i++) await outbox.EmitAsync(Messages.Make(i, camera: "door", type: i == 4 ? AlertLifecycle.End : AlertLifecycle.New), CancellationToken.None);
            for (int i = 0; i < 4; i++) await DeadLetterHeadAsync(outbox, "ops", "http://127.0.0.1:9/hook");
            // A URL stored with credentials and a query (not what the deliverer stores, but it must never be printed).
            await DeadLetterHeadAsync(outbox, "ops", "http://user:stored-password@127.0.0.1:9/hook?token=stored-secret", "not delivered within max age 1.00:00:00");
        }

        var (code, text, error) = await Run(["outbox", "dead-letters", "--config", config, "--limit", "3"]);
        Assert.True(code == 0, error);
        Assert.Contains("5 dead letter(s); the newest 3, newest first (--limit N shows more)", text);
        var rows = text.Split('\n').Where(l => l.Contains(" EVT", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["EVT000004", "EVT000003", "EVT000002"], rows.Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5]));
        var newest = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["5", "ops", "door", "end", "EVT000004", "1", "1"], new[] { newest[0], newest[2], newest[3], newest[4], newest[5], newest[6], newest[7] });
        Assert.Contains("http://127.0.0.1:9/hook  not delivered within max age 1.00:00:00", rows[0]);
        Assert.Equal("new", rows[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
        Assert.EndsWith("permanent failure: HTTP 400 Bad Request", rows[1].TrimEnd());
        Assert.DoesNotContain("stored-secret", text);
        Assert.DoesNotContain("stored-password", text);

        (code, text, _) = await Run(["outbox", "dead-letters", "--config", config]);
        Assert.Equal(0, code);
        Assert.Contains("5 dead letter(s), newest first:", text);
        Assert.Equal(5, text.Split('\n').Count(l => l.Contains(" EVT", StringComparison.Ordinal)));

        (code, _, error) = await Run(["outbox", "dead-letters", "--config", config, "--limit", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("--limit", error);
    }

    [Fact]
    public async Task Requeue_from_another_connection_is_delivered_by_the_running_deliverer_on_its_poll()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        receiver.Behaviour = (_, ctx) => { ctx.Response.StatusCode = 400; return Task.CompletedTask; }; // a misconfigured receiver
        var config = WriteConfig(dir, ("ops", receiver.Port, null));
        // The daemon stand-in: its own outbox instance and deliverer on the file (the command's requeue never wakes it in-process).
        await using var rig = DeliveryRig.Start(OutboxPath(dir), [DeliveryRig.Endpoint(key, receiver.Port, "ops")]);
        for (int i = 0; i < 3; i++) await rig.Outbox.EmitAsync(Messages.Make(i), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.dead_letters"] == 3, Patience, "3 dead letters after HTTP 400");

        var (code, text, error) = await Run(["outbox", "--config", config]);
        Assert.True(code == 0, error);
        Assert.Equal(["ops", "0", "-", "3"], Line(text, "ops"));

        receiver.Behaviour = (_, ctx) => { ctx.Response.StatusCode = 204; return Task.CompletedTask; }; // fixed
        (code, text, error) = await Run(["outbox", "requeue", "--config", config]);
        Assert.True(code == 0, error);
        Assert.Contains("requeued 3 dead letter(s) of webhook 'ops'", text);
        Assert.Contains("pollIntervalSeconds (0.2 s)", text);

        long lowest = long.MaxValue;
        await Messages.Eventually(() =>
        {
            lowest = Math.Min(lowest, rig.Outbox.Depth);
            return receiver.Hits.Count(h => h.SignatureValid) == 6;
        }, Patience, "the 3 requeued messages delivered again");
        Assert.Equal(["EVT000000.1", "EVT000001.1", "EVT000002.1"], receiver.Hits.Skip(3).Select(h => h.Id));
        Assert.Empty(await rig.Outbox.ReadDeadLettersAsync(CancellationToken.None));
        // The deliverer deleted rows its instance never inserted: the depth must not go below zero, and is exact again after a recount.
        await Messages.Eventually(() =>
        {
            lowest = Math.Min(lowest, rig.Outbox.Depth);
            return rig.Probe.Depth() == 0;
        }, Patience, "depth gauge back to 0");
        Assert.True(lowest >= 0, $"outbox depth went down to {lowest}");

        (code, text, _) = await Run(["outbox", "--config", config]);
        Assert.Equal(0, code);
        Assert.Equal(["ops", "0", "-", "0"], Line(text, "ops"));
    }

    [Fact]
    public async Task Requeue_refuses_unknown_webhooks_and_webhooks_no_longer_configured()
    {
        using var dir = new TempDir();
        var config = WriteConfig(dir, ("ops", 9, null), ("yard", 9, null));
        var key = DeliveryRig.NewKey();
        using (var outbox = new SqliteOutbox(OutboxPath(dir), [DeliveryRig.Endpoint(key, 9, "ops"), DeliveryRig.Endpoint(key, 9, "old")]))
        {
            await outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
            await DeadLetterHeadAsync(outbox, "ops", "http://127.0.0.1:9/hook");
            await DeadLetterHeadAsync(outbox, "old", "http://127.0.0.1:9/hook");
        }

        var (code, text, error) = await Run(["outbox", "requeue", "--config", config, "--webhook", "nope"]);
        Assert.Equal(2, code);
        Assert.Contains("unknown webhook 'nope': configured webhooks: ops, yard", error);
        Assert.Contains("the outbox also holds rows of old", error);

        (code, _, error) = await Run(["outbox", "requeue", "--config", config, "--webhook", "old"]);
        Assert.Equal(2, code);
        Assert.Contains("webhook 'old' is not in the config", error);
        Assert.Contains("has 1 dead letter(s)", error);
        Assert.Contains("Add the webhook back to alerts.webhooks with \"name\": \"old\"", error);

        (code, text, _) = await Run(["outbox", "dead-letters", "--config", config, "--webhook", "nope"]);
        Assert.Equal(2, code);

        (code, text, _) = await Run(["outbox", "requeue", "--config", config, "--webhook", "yard"]);
        Assert.Equal(0, code);
        Assert.Contains("webhook 'yard' has no dead letters to requeue", text);

        (code, text, error) = await Run(["outbox", "requeue", "--config", config]);
        Assert.Equal(0, code);
        Assert.Contains("requeued 1 dead letter(s) of webhook 'ops'", text);
        Assert.Contains("left 1 dead letter(s) of webhook 'old', which is not in the config", error);

        using var inspector = new OutboxInspector(OutboxPath(dir));
        Assert.Equal([new WebhookBacklog("old", 0, null, 1)], inspector.Backlog().Where(b => b.Webhook == "old"));
        Assert.Equal(1, inspector.Backlog().Single(b => b.Webhook == "ops").Pending);
    }

    [Fact]
    public async Task A_missing_outbox_file_reads_as_empty_and_is_not_created()
    {
        using var dir = new TempDir();
        var config = WriteConfig(dir, ("ops", 9, null));

        var (code, text, error) = await Run(["outbox", "--config", config]);
        Assert.True(code == 0, error);
        Assert.Contains("no outbox file yet: nothing has been queued", text);

        (code, text, _) = await Run(["outbox", "dead-letters", "--config", config]);
        Assert.Equal(0, code);
        Assert.Contains("no dead letters", text);

        (code, text, _) = await Run(["outbox", "requeue", "--config", config]);
        Assert.Equal(0, code);
        Assert.Contains("no dead letters to requeue", text);

        (code, _, error) = await Run(["outbox", "status", "--config", config, "--webhook", "nope"]);
        Assert.Equal(2, code);
        Assert.Contains("configured webhooks: ops", error);

        Assert.False(File.Exists(OutboxPath(dir)));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "data")));
    }

    [Fact]
    public async Task A_file_that_is_not_an_outbox_exits_1_and_is_left_as_it_was()
    {
        using var dir = new TempDir();
        var config = WriteConfig(dir, ("ops", 9, null));
        Directory.CreateDirectory(Path.GetDirectoryName(OutboxPath(dir))!);
        File.WriteAllText(OutboxPath(dir), "not a database, but someone's file");
        foreach (var action in new[] { "status", "dead-letters", "requeue" })
        {
            var (code, _, error) = await Run(["outbox", action, "--config", config]);
            Assert.Equal(1, code);
            Assert.StartsWith("monitoring outbox: the outbox file could not be used", error);
        }
        Assert.Equal("not a database, but someone's file", File.ReadAllText(OutboxPath(dir)));
    }

    [Theory]
    [InlineData("frob")]
    [InlineData("status", "dead-letters")]
    [InlineData("status", "--limit", "3")]
    [InlineData("dead-letters", "--limit", "many")]
    [InlineData("requeue", "--colour", "red")]
    public async Task Bad_usage_exits_2(params string[] extra)
    {
        using var dir = new TempDir();
        var config = WriteConfig(dir, ("ops", 9, null));
        var (code, _, error) = await Run(["outbox", "--config", config, .. extra]);
        Assert.Equal(2, code);
        Assert.StartsWith("monitoring outbox: ", error);
        Assert.False(File.Exists(OutboxPath(dir)));
    }

    [Fact]
    public async Task The_real_command_prints_the_same_config_error_as_run_and_exits_2()
    {
        using var dir = new TempDir();
        var missing = dir.File("missing.json");
        var (runCode, runText) = await DaemonProcess.RunToExitAsync(["run", "--config", missing], Patience);
        var (code, text) = await DaemonProcess.RunToExitAsync(["outbox", "status", "--config", missing], Patience);
        Assert.Equal(2, runCode);
        Assert.Equal(2, code);
        Assert.Contains($"Invalid configuration '{missing}': the file does not exist", text);
        Assert.Equal(runText.Replace("monitoring run:", "monitoring outbox:", StringComparison.Ordinal), text);

        var config = WriteConfig(dir, ("ops", 9, null));
        (code, text) = await DaemonProcess.RunToExitAsync(["outbox", "--config", config, "dead-letters"], Patience,
            new Dictionary<string, string> { [SecretEnvOf(config)] = "plain-secret" });
        Assert.True(code == 0, text);
        Assert.Contains("no outbox file yet", text);
    }

    private static string SecretEnvOf(string config) =>
        JsonNode.Parse(File.ReadAllText(config))!["alerts"]!["webhooks"]![0]!["secretEnv"]!.GetValue<string>();
}
