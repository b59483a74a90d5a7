using System.Security.Cryptography;
using Monitoring.Configuration;
using Monitoring.Delivery;

namespace Monitoring.Tests.TestSupport;

/// <summary>An outbox and a running deliverer over one SQLite file, stopped by cancellation like the host does.</summary>
internal sealed class DeliveryRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private Task _run = Task.CompletedTask;
    private bool _stopped;

    public required SqliteOutbox Outbox { get; init; }
    public required WebhookDeliverer Deliverer { get; init; }
    public required DeliveryMetrics Metrics { get; init; }
    public required MetricProbe Probe { get; init; }
    public required ListLogger<WebhookDeliverer> Logger { get; init; }

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(24);

    public static WebhookEndpoint Endpoint(byte[] key, int port, string name = "hook", string[]? cameras = null) =>
        new(name, new Uri($"http://127.0.0.1:{port}/hook?token=query-secret-token"), WebhookSecret.Parse("whsec_" + Convert.ToBase64String(key)), cameras);

    public static OutboxOptions FastOptions() => new()
    {
        // A generous request timeout: on a loaded host a 2-s timeout expired on requests the receiver did get, and the
        // (correct, at-least-once) retry broke tests about order and attempt counts. Timeout tests set their own.
        RequestTimeoutSeconds = 30, BackoffBaseSeconds = 0.05, BackoffCapSeconds = 0.2, MaxAgeSeconds = 120, PollIntervalSeconds = 0.2,
    };

    public static DeliveryRig Start(string dbPath, IReadOnlyList<WebhookEndpoint> webhooks, OutboxOptions? options = null)
    {
        options ??= FastOptions();
        var outbox = new SqliteOutbox(dbPath, webhooks);
        var metrics = new DeliveryMetrics();
        var logger = new ListLogger<WebhookDeliverer>();
        var rig = new DeliveryRig
        {
            Outbox = outbox,
            Metrics = metrics,
            Probe = new MetricProbe(metrics),
            Logger = logger,
            Deliverer = new WebhookDeliverer(outbox, webhooks, options, logger, metrics),
        };
        rig._run = rig.Deliverer.RunAsync(rig._cts.Token);
        return rig;
    }

    /// <summary>Cancels the deliverer (even mid-request) and closes the outbox file.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        _cts.Cancel();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        Deliverer.Dispose();
        Outbox.Dispose();
        Probe.Dispose();
        Metrics.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _cts.Dispose();
    }
}
