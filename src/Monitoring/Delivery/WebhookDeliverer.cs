using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Configuration;

namespace Monitoring.Delivery;

/// <summary>
/// Delivers the outbox: one loop per webhook, one request in flight per webhook, rows in insertion order (a row
/// waiting for its retry holds back the later rows of that webhook only, so a receiver sees new → update → end in
/// order; other webhooks are not affected). Each attempt is signed afresh (Standard Webhooks) with the row's stable
/// message id. 2xx deletes the row; a retryable failure reschedules it (full-jitter backoff, or the receiver's
/// Retry-After on 429/503); a permanent failure, or a row older than <see cref="OutboxOptions.MaxAgeSeconds"/>, moves
/// to the dead letters with an error log and a metric. Rows of webhooks no longer configured are dead-lettered too.
/// Cancellation stops the loops; a row whose request was cut off stays in the outbox and is sent again on the next
/// start (at-least-once: receivers de-duplicate by webhook-id). An idle loop wakes on every insert of this process and
/// looks at the file at least every <see cref="OutboxOptions.PollIntervalSeconds"/>, so rows another process put there
/// (<c>monitoring outbox requeue</c>) are found too; the outbox depth is re-counted from the file at the same interval.
/// </summary>
public sealed class WebhookDeliverer : BackgroundService
{
    private readonly SqliteOutbox _outbox;
    private readonly IReadOnlyList<WebhookEndpoint> _webhooks;
    private readonly OutboxOptions _options;
    private readonly ILogger _logger;
    private readonly DeliveryMetrics _metrics;
    private readonly HttpClient _http;
    private readonly RetrySchedule _schedule;
    private readonly Dictionary<string, SemaphoreSlim> _wake;

    public WebhookDeliverer(
        SqliteOutbox outbox,
        IReadOnlyList<WebhookEndpoint> webhooks,
        OutboxOptions options,
        ILogger<WebhookDeliverer> logger,
        DeliveryMetrics metrics,
        HttpMessageHandler? handler = null)
    {
        _outbox = outbox;
        _webhooks = webhooks;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _metrics.ObserveDepth(() => outbox.Depth);
        _schedule = new RetrySchedule(TimeSpan.FromSeconds(options.BackoffBaseSeconds), TimeSpan.FromSeconds(options.BackoffCapSeconds));
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Monitoring-Webhooks/1.0");
        _wake = webhooks.ToDictionary(w => w.Name, _ => new SemaphoreSlim(0, 1), StringComparer.Ordinal);
        _outbox.Enqueued += OnEnqueued;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Runs until cancelled; returns (without throwing) once every loop has stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await DeadLetterOrphansAsync(cancellationToken).ConfigureAwait(false);
        var loops = _webhooks.Select(w => Task.Run(() => LoopAsync(w, cancellationToken), CancellationToken.None))
            .Append(Task.Run(() => RecountLoopAsync(cancellationToken), CancellationToken.None)).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>Keeps <see cref="SqliteOutbox.Depth"/> (the gauge, the drain at stop) true when another process added rows.</summary>
    private async Task RecountLoopAsync(CancellationToken ct)
    {
        var poll = TimeSpan.FromSeconds(_options.PollIntervalSeconds);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(poll, ct).ConfigureAwait(false);
                await _outbox.RecountAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Outbox: could not count the waiting rows; retrying in {Delay}", poll);
            }
        }
    }

    private void OnEnqueued(IReadOnlyCollection<string> webhooks)
    {
        foreach (var name in webhooks)
        {
            if (!_wake.TryGetValue(name, out var wake)) continue;
            try { wake.Release(); } catch (SemaphoreFullException) { /* already awake */ } catch (ObjectDisposedException) { }
        }
    }

    private async Task LoopAsync(WebhookEndpoint webhook, CancellationToken ct)
    {
        var maxAge = TimeSpan.FromSeconds(_options.MaxAgeSeconds);
        var poll = TimeSpan.FromSeconds(_options.PollIntervalSeconds);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var row = await _outbox.PeekAsync(webhook.Name, ct).ConfigureAwait(false);
                if (row is null)
                {
                    await _wake[webhook.Name].WaitAsync(poll, ct).ConfigureAwait(false);
                    continue;
                }
                var now = DateTimeOffset.UtcNow;
                var deadline = row.CreatedAt + maxAge;
                if (now >= deadline)
                {
                    await GiveUpAsync(webhook, row, row.Attempts, $"not delivered within max age {maxAge} ({row.Attempts} attempts; last error: {row.LastError ?? "none"})", ct).ConfigureAwait(false);
                    continue;
                }
                if (row.NextAttemptAt > now)
                {
                    var until = row.NextAttemptAt < deadline ? row.NextAttemptAt : deadline;
                    await Task.Delay(until - now, ct).ConfigureAwait(false);
                    continue;
                }
                await AttemptAsync(webhook, row, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The outbox itself failed (disk full, locked file): keep the rows, say so, try again later.
                _logger.LogError(ex, "Webhook {Webhook} ({Url}): outbox error; retrying in {Delay}", webhook.Name, webhook.SafeUrl, poll);
                try { await Task.Delay(poll, ct).ConfigureAwait(false); } catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task AttemptAsync(WebhookEndpoint webhook, OutboxRow row, CancellationToken ct)
    {
        int attempt = row.Attempts + 1;
        var outcome = await SendAsync(webhook, row, ct).ConfigureAwait(false);
        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                await _outbox.MarkDeliveredAsync(row.RowId, CancellationToken.None).ConfigureAwait(false);
                _metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("webhook", webhook.Name));
                _logger.LogDebug("Webhook {Webhook}: delivered {MessageId} on attempt {Attempt}", webhook.Name, row.MessageId, attempt);
                break;
            case DeliveryResult.Permanent:
                await GiveUpAsync(webhook, row, attempt, $"permanent failure: {outcome.Detail}", CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                var delay = _schedule.Delay(attempt, outcome.RetryAfter);
                await _outbox.RescheduleAsync(row.RowId, attempt, DateTimeOffset.UtcNow + delay, outcome.Detail, CancellationToken.None).ConfigureAwait(false);
                _metrics.Retries.Add(1, new KeyValuePair<string, object?>("webhook", webhook.Name));
                _logger.LogWarning("Webhook {Webhook} ({Url}): attempt {Attempt} of {MessageId} failed ({Detail}); next try in {Delay}",
                    webhook.Name, webhook.SafeUrl, attempt, row.MessageId, outcome.Detail, delay);
                break;
        }
    }

    private async Task<DeliveryOutcome> SendAsync(WebhookEndpoint webhook, OutboxRow row, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(row.Body);
        long timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("webhook-id", row.MessageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", webhook.Secret.Sign(row.MessageId, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.RequestTimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            var result = DeliveryOutcome.Classify(status);
            TimeSpan? retryAfter = null;
            if (status is 429 or 503 && response.Headers.RetryAfter is { } ra)
            {
                retryAfter = ra.Delta ?? (ra.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            }
            return new DeliveryOutcome(result, $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), retryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, $"timed out after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, $"{ex.HttpRequestError}: {ex.Message}");
        }
    }

    private async Task GiveUpAsync(WebhookEndpoint webhook, OutboxRow row, int attempts, string reason, CancellationToken ct)
    {
        await _outbox.DeadLetterAsync(row, webhook.SafeUrl, attempts, reason, ct).ConfigureAwait(false);
        _metrics.DeadLetters.Add(1, new KeyValuePair<string, object?>("webhook", webhook.Name));
        _logger.LogError("Webhook {Webhook} ({Url}): message {MessageId} moved to dead letters after {Attempts} attempts: {Reason}",
            webhook.Name, webhook.SafeUrl, row.MessageId, attempts, reason);
    }

    private async Task DeadLetterOrphansAsync(CancellationToken ct)
    {
        var configured = _webhooks.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in await _outbox.WebhooksWithRowsAsync(ct).ConfigureAwait(false))
        {
            if (configured.Contains(name)) continue;
            while (await _outbox.PeekAsync(name, ct).ConfigureAwait(false) is { } row)
            {
                await _outbox.DeadLetterAsync(row, "(not configured)", row.Attempts, $"webhook '{name}' is no longer configured", ct).ConfigureAwait(false);
                _metrics.DeadLetters.Add(1, new KeyValuePair<string, object?>("webhook", name));
                _logger.LogError("Outbox row {MessageId} for webhook {Webhook} moved to dead letters: that webhook is no longer configured", row.MessageId, name);
            }
        }
    }

    public override void Dispose()
    {
        _outbox.Enqueued -= OnEnqueued;
        base.Dispose();
        _http.Dispose();
        foreach (var wake in _wake.Values) wake.Dispose();
    }
}
