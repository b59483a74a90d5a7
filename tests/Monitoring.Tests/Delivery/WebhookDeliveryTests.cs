using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Monitoring.Delivery;

namespace Monitoring.Tests.Delivery;

public class WebhookDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_message_arrives_signed_in_order()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, receiver.Port)]);

        for (int i = 0; i < 20; i++) await rig.Outbox.EmitAsync(Messages.Make(i), CancellationToken.None);
        await Messages.Eventually(() => receiver.DistinctIds.Count == 20, Patience, "20 messages received");

        Assert.Equal(0, receiver.InvalidSignatures);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"EVT{i:D6}.1"), receiver.Hits.Select(h => h.Id));
        var body = JsonDocument.Parse(receiver.Hits.First().Body).RootElement;
        Assert.Equal("new", body.GetProperty("type").GetString());
        Assert.Equal("EVT000000.1", body.GetProperty("id").GetString());
        await Messages.Eventually(() => rig.Outbox.Depth == 0, Patience, "outbox drained");
        // The counter is recorded after the message leaves the outbox: on a busy machine it may trail the depth briefly.
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.deliveries"] >= 20, Patience, "20 deliveries counted");
        Assert.Equal(20, rig.Probe["monitoring.alerts.deliveries"]);
        Assert.Equal(0, rig.Probe.Depth());
    }

    [Fact]
    public async Task Receiver_down_then_up_loses_nothing()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        int port = TestReceiver.FreePort();
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, port)]);

        for (int i = 0; i < 10; i++) await rig.Outbox.EmitAsync(Messages.Make(i), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.retries"] >= 3, Patience, "failed attempts while the receiver is down");
        Assert.Equal(10, rig.Outbox.Depth);

        await using var receiver = await TestReceiver.StartAsync(key, port);
        await Messages.Eventually(() => receiver.DistinctIds.Count == 10, Patience, "all 10 delivered after the receiver came up");
        Assert.Equal(0, receiver.InvalidSignatures);
        await Messages.Eventually(() => rig.Outbox.Depth == 0, Patience, "outbox drained");
        Assert.Empty(await rig.Outbox.ReadDeadLettersAsync(CancellationToken.None));
        Assert.Contains(rig.Logger.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("attempt 1 of EVT000000.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Errors_429_with_Retry_After_and_timeouts_are_retried_until_delivered()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        var responses = new List<(int Request, DateTimeOffset At)>();
        receiver.Behaviour = async (n, ctx) =>
        {
            lock (responses) responses.Add((n, DateTimeOffset.UtcNow));
            switch (n)
            {
                case 1 or 2: ctx.Response.StatusCode = 500; break;
                case 3: ctx.Response.StatusCode = 429; ctx.Response.Headers.RetryAfter = "1"; break;
                case 4: await Task.Delay(TimeSpan.FromSeconds(3), ctx.RequestAborted).ContinueWith(_ => { }); ctx.Response.StatusCode = 204; break;
                default: ctx.Response.StatusCode = 204; break;
            }
        };
        var options = DeliveryRig.FastOptions();
        options.RequestTimeoutSeconds = 0.5;
        options.BackoffBaseSeconds = 0.01;
        options.BackoffCapSeconds = 0.02;
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, receiver.Port)], options);

        await rig.Outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.deliveries"] == 1, Patience, "delivered after failures");

        Assert.Equal(4, rig.Probe["monitoring.alerts.retries"]); // 500, 500, 429, timeout
        Assert.Equal(5, receiver.Hits.Count);
        Assert.Single(receiver.DistinctIds);
        Assert.Equal(0, receiver.InvalidSignatures);
        lock (responses)
        {
            var after429 = responses[3].At - responses[2].At;
            Assert.True(after429 >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured; next attempt after {after429.TotalMilliseconds} ms");
        }
        Assert.Contains(rig.Logger.Lines, l => l.Text.Contains("timed out", StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Logger.Lines, l => l.Text.Contains(Convert.ToBase64String(key), StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Logger.Lines, l => l.Text.Contains("query-secret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_After_as_http_date_is_honoured()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        var at = new List<DateTimeOffset>();
        receiver.Behaviour = (n, ctx) =>
        {
            lock (at) at.Add(DateTimeOffset.UtcNow);
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R");
            }
            else ctx.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        var options = DeliveryRig.FastOptions();
        options.BackoffBaseSeconds = 0.01;
        options.BackoffCapSeconds = 0.02;
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, receiver.Port)], options);
        await rig.Outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.deliveries"] == 1, Patience, "delivered after 503");
        lock (at) Assert.True(at[1] - at[0] >= TimeSpan.FromSeconds(0.9), $"HTTP-date Retry-After ignored: {(at[1] - at[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Max_age_moves_to_dead_letters_with_log_and_metric()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        receiver.Behaviour = (_, ctx) => { ctx.Response.StatusCode = 500; return Task.CompletedTask; };
        var options = DeliveryRig.FastOptions();
        options.MaxAgeSeconds = 1;
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, receiver.Port)], options);

        for (int i = 0; i < 3; i++) await rig.Outbox.EmitAsync(Messages.Make(i), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.dead_letters"] == 3, Patience, "3 dead letters");

        var dead = await rig.Outbox.ReadDeadLettersAsync(CancellationToken.None);
        Assert.Equal(["EVT000000.1", "EVT000001.1", "EVT000002.1"], dead.Select(d => d.MessageId));
        Assert.All(dead, d => Assert.Contains("max age", d.Reason, StringComparison.Ordinal));
        Assert.All(dead, d => Assert.Equal($"http://127.0.0.1:{receiver.Port}/hook", d.Url));
        Assert.Equal(0, rig.Outbox.Depth);
        var errors = rig.Logger.Lines.Where(l => l.Level == LogLevel.Error).Select(l => l.Text).ToList();
        Assert.Equal(3, errors.Count(e => e.Contains("moved to dead letters", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.Contains($"http://127.0.0.1:{receiver.Port}/hook", StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Logger.Lines, l => l.Text.Contains("query-secret-token", StringComparison.Ordinal));

        // Dead letters are kept, not lost: they can be put back and then delivered.
        receiver.Behaviour = (_, ctx) => { ctx.Response.StatusCode = 200; return Task.CompletedTask; };
        Assert.Equal(3, await rig.Outbox.RequeueDeadLettersAsync(null, CancellationToken.None));
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.deliveries"] == 3, Patience, "requeued dead letters delivered");
    }

    [Fact]
    public async Task Permanent_4xx_is_dead_lettered_at_once_and_later_rows_still_flow()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        receiver.Behaviour = (n, ctx) => { ctx.Response.StatusCode = n == 1 ? 400 : 204; return Task.CompletedTask; };
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, receiver.Port)]);
        await rig.Outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
        await rig.Outbox.EmitAsync(Messages.Make(2), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.deliveries"] == 1, Patience, "second message delivered");
        var dead = Assert.Single(await rig.Outbox.ReadDeadLettersAsync(CancellationToken.None));
        Assert.Equal("EVT000001.1", dead.MessageId);
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("HTTP 400", dead.Reason, StringComparison.Ordinal);
        Assert.Equal(0, rig.Probe["monitoring.alerts.retries"]);
    }

    [Fact]
    public async Task Deliverer_cancelled_mid_request_then_reopened_delivers_everything()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        var db = dir.File("outbox.db");
        await using var receiver = await TestReceiver.StartAsync(key);
        var inFlight = new TaskCompletionSource();
        receiver.Behaviour = async (n, ctx) =>
        {
            if (n == 3)
            {
                inFlight.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted).ContinueWith(_ => { });
            }
            ctx.Response.StatusCode = 204;
        };

        var first = DeliveryRig.Start(db, [DeliveryRig.Endpoint(key, receiver.Port)]);
        for (int i = 0; i < 8; i++) await first.Outbox.EmitAsync(Messages.Make(i), CancellationToken.None);
        await inFlight.Task.WaitAsync(Patience);
        await first.StopAsync(); // cancel while request 3 is in flight; the file is closed
        Assert.True(receiver.DistinctIds.Count < 8);

        await using var second = DeliveryRig.Start(db, [DeliveryRig.Endpoint(key, receiver.Port)]);
        await Messages.Eventually(() => receiver.DistinctIds.Count == 8, Patience, "all 8 delivered by the new deliverer");
        await Messages.Eventually(() => second.Outbox.Depth == 0, Patience, "outbox drained");
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"EVT{i:D6}.1").ToHashSet(), receiver.DistinctIds.ToHashSet());
        Assert.Contains(receiver.Hits.GroupBy(h => h.Id), g => g.Key == "EVT000002.1" && g.Count() >= 2); // at-least-once
        Assert.Equal(0, receiver.InvalidSignatures);
        Assert.Empty(await second.Outbox.ReadDeadLettersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Slow_receiver_blocks_neither_emit_nor_other_webhooks()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var slow = await TestReceiver.StartAsync(key);
        slow.Behaviour = async (_, ctx) => { await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted).ContinueWith(_ => { }); ctx.Response.StatusCode = 204; };
        await using var fast = await TestReceiver.StartAsync(key);
        var options = DeliveryRig.FastOptions();
        options.RequestTimeoutSeconds = 60;
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"),
            [DeliveryRig.Endpoint(key, slow.Port, "slow"), DeliveryRig.Endpoint(key, fast.Port, "fast")], options);

        var emits = Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++) await rig.Outbox.EmitAsync(Messages.Make(i), CancellationToken.None);
        });
        await emits.WaitAsync(TimeSpan.FromSeconds(30)); // completes while the slow receiver holds its first request
        await Messages.Eventually(() => fast.DistinctIds.Count == 200, Patience, "fast webhook got all 200 while the slow one sleeps");
        Assert.Single(slow.Hits); // still holding its first request: one in flight per webhook
        await Messages.Eventually(() => rig.Outbox.Depth == 200, Patience, "fast rows deleted; all 200 slow rows still waiting, none dropped");
    }

    [Fact]
    public async Task Camera_filter_limits_a_webhook_to_its_cameras()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        await using var all = await TestReceiver.StartAsync(key);
        await using var doorOnly = await TestReceiver.StartAsync(key);
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"),
            [DeliveryRig.Endpoint(key, all.Port, "all"), DeliveryRig.Endpoint(key, doorOnly.Port, "door", ["door"])]);
        await rig.Outbox.EmitAsync(Messages.Make(1, camera: "door"), CancellationToken.None);
        await rig.Outbox.EmitAsync(Messages.Make(2, camera: "yard"), CancellationToken.None);
        await Messages.Eventually(() => all.DistinctIds.Count == 2 && doorOnly.DistinctIds.Count == 1, Patience, "filtered delivery");
        Assert.Equal(["EVT000001.1"], doorOnly.DistinctIds);
    }

    [Fact]
    public async Task Rows_of_a_removed_webhook_become_dead_letters_not_silence()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        var db = dir.File("outbox.db");
        using (var outbox = new SqliteOutbox(db, [DeliveryRig.Endpoint(key, 9, "old")]))
        {
            await outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
        }
        await using var receiver = await TestReceiver.StartAsync(key);
        await using var rig = DeliveryRig.Start(db, [DeliveryRig.Endpoint(key, receiver.Port, "new")]);
        await Messages.Eventually(() => rig.Probe["monitoring.alerts.dead_letters"] == 1, Patience, "orphan dead-lettered");
        Assert.Contains("no longer configured", Assert.Single(await rig.Outbox.ReadDeadLettersAsync(CancellationToken.None)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emitting_the_same_message_twice_queues_it_once()
    {
        using var dir = new TempDir();
        using var outbox = new SqliteOutbox(dir.File("outbox.db"), [DeliveryRig.Endpoint(DeliveryRig.NewKey(), 9)]);
        await outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
        await outbox.EmitAsync(Messages.Make(1), CancellationToken.None);
        Assert.Equal(1, outbox.Depth);
    }

    [Fact]
    public async Task Depth_never_goes_below_zero_and_a_recount_finds_rows_another_process_added()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        using var daemon = new SqliteOutbox(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, 9, "ops")]);
        using (var other = new SqliteOutbox(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, 9, "ops")]))
            for (int i = 0; i < 3; i++) await other.EmitAsync(Messages.Make(i), CancellationToken.None);
        Assert.Equal(0, daemon.Depth);
        await daemon.MarkDeliveredAsync((await daemon.PeekAsync("ops", CancellationToken.None))!.RowId, CancellationToken.None);
        Assert.Equal(0, daemon.Depth); // not -1
        await daemon.RecountAsync(CancellationToken.None);
        Assert.Equal(2, daemon.Depth);
    }

    [Fact]
    public async Task The_deliverer_recounts_the_depth_so_rows_of_another_process_show_in_the_gauge()
    {
        using var dir = new TempDir();
        var key = DeliveryRig.NewKey();
        int port = TestReceiver.FreePort(); // nobody listens: rows stay
        await using var rig = DeliveryRig.Start(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, port, "ops")]);
        using (var other = new SqliteOutbox(dir.File("outbox.db"), [DeliveryRig.Endpoint(key, port, "ops")]))
            for (int i = 0; i < 2; i++) await other.EmitAsync(Messages.Make(i), CancellationToken.None);
        await Messages.Eventually(() => rig.Probe.Depth() == 2, Patience, "depth gauge counts the 2 rows another instance inserted");
    }
}
