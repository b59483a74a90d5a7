using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Web;

namespace Monitoring.Tests.Web;

/// <summary>The timeline's join of this run's messages with a real SQLite outbox file, and the shared requeue.</summary>
public sealed class TimelineTests
{
    private static MonitoringOptions Options(string dir) => new()
    {
        Alerts = new AlertingOptions
        {
            Outbox = new OutboxOptions { Path = Path.Combine(dir, "outbox.db") },
            Webhooks =
            [
                new WebhookOptions { Name = "ops", Url = "http://127.0.0.1:9/hook", SecretEnv = "UNUSED" },
                new WebhookOptions { Name = "door-only", Url = "http://127.0.0.1:9/door", SecretEnv = "UNUSED", Cameras = ["door"] },
            ],
        },
    };

    [Fact]
    public async Task Each_message_shows_delivered_pending_retrying_or_dead_letter_per_webhook_and_requeue_moves_the_dead_back()
    {
        using var dir = new TempDir();
        var options = Options(dir.Path);
        var key = DeliveryRig.NewKey();
        var endpoints = new[] { DeliveryRig.Endpoint(key, 9, "ops"), DeliveryRig.Endpoint(key, 9, "door-only", ["door"]) };
        var feed = new DashboardFeed(new DashboardOptions(), options.Alerts, null, new ManualClock());
        var delivered = Messages.Make(1);
        var deliveredAfterRetry = Messages.Make(2);
        var dead = Messages.Make(3);
        var pending = Messages.Make(4);
        using (var outbox = new SqliteOutbox(options.Alerts.Outbox.Path, endpoints))
        {
            foreach (var m in new[] { delivered, deliveredAfterRetry, dead, pending })
            {
                await outbox.EmitAsync(m, CancellationToken.None);
                await feed.EmitAsync(m, CancellationToken.None);
            }
            var first = await outbox.PeekAsync("ops", CancellationToken.None);
            await outbox.MarkDeliveredAsync(first!.RowId, CancellationToken.None);
            var second = await outbox.PeekAsync("ops", CancellationToken.None);
            await outbox.RescheduleAsync(second!.RowId, 2, DateTimeOffset.UtcNow, "HTTP 503", CancellationToken.None);
            // Delivered at its retry; the third goes to the dead letters (as a permanent 4xx would).
            await outbox.MarkDeliveredAsync(second.RowId, CancellationToken.None);
            var third = await outbox.PeekAsync("ops", CancellationToken.None);
            await outbox.DeadLetterAsync(third!, "http://127.0.0.1:9/hook", 1, "HTTP 410", CancellationToken.None);
        }
        var timeline = new Timeline(options, feed);
        var result = timeline.Query(new TimelineFilter(null, null, null, null));
        Assert.Null(result.OutboxError);
        Assert.Equal([pending.Id, dead.Id, deliveredAfterRetry.Id, delivered.Id], result.Messages.Select(m => m.Id));
        string State(AlertMessage m) => Assert.Single(result.Messages.Single(e => e.Id == m.Id).Delivery).State;
        Assert.Equal("delivered", State(delivered));
        Assert.Equal("delivered", State(deliveredAfterRetry));
        Assert.Equal("dead-letter", State(dead));
        Assert.Equal("pending", State(pending));
        Assert.Equal("HTTP 410", result.Messages.Single(e => e.Id == dead.Id).Delivery.Single().Reason);
        // "door-only" takes only camera "door": the messages of camera "cam" do not list it.
        Assert.All(result.Messages, e => Assert.DoesNotContain(e.Delivery, d => d.Webhook == "door-only"));
        var ops = result.Webhooks.Single(w => w.Name == "ops");
        Assert.Equal((1, 1), (ops.Pending, ops.DeadLetters));
        Assert.Contains(result.Webhooks, w => w.Name == "door-only" && w.Pending == 0);

        // The requeue behind `monitoring outbox requeue` and the page's button.
        IReadOnlyList<WebhookBacklog> backlog;
        using (var inspector = new OutboxInspector(options.Alerts.Outbox.Path)) backlog = inspector.Backlog();
        var outcomes = await DeadLetterRequeue.RequeueAsync(options.Alerts.Outbox.Path, endpoints, backlog, null, CancellationToken.None);
        Assert.Equal([new RequeueOutcome("ops", 1, 1)], outcomes);
        var after = timeline.Query(new TimelineFilter(null, null, null, null));
        Assert.Equal("pending", after.Messages.Single(e => e.Id == dead.Id).Delivery.Single().State);
        Assert.Empty(await DeadLetterRequeue.RequeueAsync(options.Alerts.Outbox.Path, endpoints,
            new OutboxInspector(options.Alerts.Outbox.Path).Backlog(), null, CancellationToken.None));
    }

    [Fact]
    public async Task Retrying_rows_show_their_attempts()
    {
        using var dir = new TempDir();
        var options = Options(dir.Path);
        var endpoints = new[] { DeliveryRig.Endpoint(DeliveryRig.NewKey(), 9, "ops"), DeliveryRig.Endpoint(DeliveryRig.NewKey(), 9, "door-only", ["door"]) };
        var feed = new DashboardFeed(new DashboardOptions(), options.Alerts, null, new ManualClock());
        var m = Messages.Make(7);
        using (var outbox = new SqliteOutbox(options.Alerts.Outbox.Path, endpoints))
        {
            await outbox.EmitAsync(m, CancellationToken.None);
            await feed.EmitAsync(m, CancellationToken.None);
            var row = await outbox.PeekAsync("ops", CancellationToken.None);
            await outbox.RescheduleAsync(row!.RowId, 3, DateTimeOffset.UtcNow.AddMinutes(1), "HTTP 503", CancellationToken.None);
        }
        var d = new Timeline(options, feed).Query(new TimelineFilter(null, null, null, null)).Messages.Single().Delivery.Single();
        Assert.Equal(("retrying", 3), (d.State, d.Attempts));
    }

    [Fact]
    public async Task Filters_by_camera_zone_and_time()
    {
        var feed = new DashboardFeed(new DashboardOptions(), new AlertingOptions(), null, new ManualClock());
        var a = Messages.Make(10, camera: "gate");
        var b = Messages.Make(20, camera: "yard") with { Zones = ["parking"] };
        await feed.EmitAsync(a, CancellationToken.None);
        await feed.EmitAsync(b, CancellationToken.None);
        var timeline = new Timeline(new MonitoringOptions(), feed);
        IEnumerable<string> Ids(TimelineFilter f) => timeline.Query(f).Messages.Select(m => m.Id);
        Assert.Equal([a.Id], Ids(TimelineFilter.Parse("gate", null, null, null)));
        Assert.Equal([b.Id], Ids(TimelineFilter.Parse(null, "parking", null, null)));
        Assert.Equal([b.Id], Ids(TimelineFilter.Parse(null, null, b.OccurredAt.AddSeconds(-1).ToString("O"), null)));
        Assert.Equal([a.Id], Ids(TimelineFilter.Parse(null, null, null, a.OccurredAt.AddSeconds(1).ToUnixTimeMilliseconds().ToString())));
        var e = Assert.Throws<FormatException>(() => TimelineFilter.Parse(null, null, "yesterday", null));
        Assert.Contains("'from'", e.Message);
    }

    [Fact]
    public async Task Snapshot_links_point_at_the_dashboards_route_with_the_file_name_only()
    {
        var feed = new DashboardFeed(new DashboardOptions(), new AlertingOptions(), null, new ManualClock());
        var m = Messages.Make(5) with { Snapshot = new SnapshotLinks("/var/lib/monitoring/snapshots/EVT000005.1.annotated.jpg", "https://cdn.example/s/EVT000005.1.clean.jpg?sig=x") };
        await feed.EmitAsync(m, CancellationToken.None);
        var s = new Timeline(new MonitoringOptions(), feed).Query(new TimelineFilter(null, null, null, null)).Messages.Single().Snapshot!;
        Assert.Equal("/dashboard/snapshots/EVT000005.1.annotated.jpg", s.Annotated);
        Assert.Equal("/dashboard/snapshots/EVT000005.1.clean.jpg", s.Clean);
    }

    [Fact]
    public void Dashboard_options_are_validated_with_the_path_and_the_fix()
    {
        var errors = new DashboardOptionsValidator().Check(new DashboardOptions { TokenEnv = "bad name", MaxFps = 0, ChartSeconds = 5, MaxEvents = 1 });
        var text = string.Join('\n', errors);
        Assert.Contains("dashboard.tokenEnv", text);
        Assert.Contains("dashboard.maxFps", text);
        Assert.Contains("dashboard.chartSeconds", text);
        Assert.Contains("dashboard.maxEvents", text);
        Assert.Empty(new DashboardOptionsValidator().Check(new DashboardOptions()));
    }
}
