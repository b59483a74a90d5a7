using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Observability;

namespace Monitoring.Web;

/// <summary>
/// The operator's web dashboard under <c>/dashboard/</c> on the daemon's own HTTP host: the cameras grid, a camera
/// page, the events timeline with delivery status and requeue. <see cref="AddDashboard"/> registers its parts,
/// <see cref="Map"/> its routes (after the host is built). Everything under /dashboard passes <see cref="DashboardAccess"/>;
/// POSTs also <see cref="CsrfToken"/>.
/// </summary>
public static partial class Dashboard
{
    public const string Root = "/dashboard";
    /// <summary>How long a still-frame request keeps its camera's frames rendered (the grid asks every second).</summary>
    private const double FrameLeaseSeconds = 3;

    [GeneratedRegex(@"^[0-9A-Za-z]{1,64}\.[0-9]{1,9}\.(annotated|clean)\.jpg$", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotName();

    /// <summary>Registers the feed (which the alert stage publishes to), the access rules and the page model when the dashboard is on.</summary>
    public static void AddDashboard(this IServiceCollection services, MonitoringOptions options)
    {
        if (!options.Http.Enabled || !options.Dashboard.Enabled) return;
        services.AddSingleton(sp => new DashboardFeed(options.Dashboard, options.Alerts, sp.GetRequiredService<AnomalyModel>().Head));
        // the alert stage shows it every frame, and the alert sinks every message
        services.AddSingleton<Alerting.IFrameObserver>(sp => sp.GetRequiredService<DashboardFeed>());
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<DashboardFeed>());
        services.AddSingleton(new DashboardAccess(
            options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            options.Dashboard.TokenEnv, Environment.GetEnvironmentVariable(options.Dashboard.TokenEnv)));
        services.AddSingleton<CsrfToken>();
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<DashboardModel>();
        services.AddSingleton<Timeline>();
    }

    /// <summary>Maps /dashboard (nothing when <see cref="AddDashboard"/> registered nothing).</summary>
    public static void Map(WebApplication app)
    {
        var access = app.Services.GetService<DashboardAccess>();
        if (access is null) return;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("dashboard");
        var options = app.Services.GetRequiredService<MonitoringOptions>();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        foreach (var url in options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            log.LogInformation("Dashboard: {Url}", url.TrimEnd('/') + Root + "/");
        if (access.Locked) log.LogWarning("{Message}", access.LockedMessage);
        else if (access.TokenRequired) log.LogInformation("Dashboard requires the token from {TokenEnv} (bound beyond loopback)", access.TokenEnv);

        app.Use(async (ctx, next) =>
        {
            if (!ctx.Request.Path.StartsWithSegments(Root)) { await next(ctx); return; }
            var h = ctx.Response.Headers;
            h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            if (access.Locked)
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                await ctx.Response.WriteAsync(access.LockedMessage + "\n");
                return;
            }
            if (!access.Allows(ctx.Request.Headers.Authorization))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                h.WWWAuthenticate = "Basic realm=\"Monitoring dashboard\", charset=\"UTF-8\"";
                await ctx.Response.WriteAsync($"The dashboard needs the token from {access.TokenEnv}: basic auth with it as the password, or Authorization: Bearer.\n");
                return;
            }
            if (HttpMethods.IsPost(ctx.Request.Method))
            {
                var csrf = ctx.RequestServices.GetRequiredService<CsrfToken>();
                if (csrf.Check(ctx.Request.Headers[CsrfToken.Header], ctx.Request.Headers.Origin, ctx.Request.Host.Value ?? "") is { } why)
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await ctx.Response.WriteAsync(why + "\n");
                    return;
                }
            }
            await next(ctx);
        });

        app.MapGet(Root + "/{file?}", (string? file, DashboardAssets assets) => Asset(assets, string.IsNullOrEmpty(file) ? "index.html" : file));

        app.MapGet(Root + "/api/cameras", (DashboardModel model) => Results.Json(model.Statuses(), DashboardJson.Options));
        app.MapGet(Root + "/api/cameras/{id}", (string id, DashboardModel model, DashboardFeed feed) =>
        {
            if (model.Find(id) is not { } camera) return UnknownCamera(id, model);
            var since = feed.Time.GetUtcNow().AddSeconds(-options.Dashboard.ChartSeconds).ToUnixTimeMilliseconds();
            var scores = feed.Camera(id).Scores(since).Select(s => new[] { s.UnixMs, s.Score, s.Peak, (double?)s.Threshold }).ToList();
            return Results.Json(new { status = model.Status(camera), profile = model.Profile(camera), scores, chartSeconds = options.Dashboard.ChartSeconds,
                attentionAvailable = feed.AttentionAvailable }, DashboardJson.Options);
        });
        app.MapGet(Root + "/api/cameras/{id}/stream.mjpeg", (string id, string? overlay, HttpContext ctx, DashboardModel model, DashboardFeed feed) =>
        {
            if (model.Find(id) is null) return UnknownCamera(id, model);
            if (FrameOverlays.Parse(overlay) is not { } o)
                return Results.BadRequest($"overlay '{overlay}' is not one of heatmap, attention, none\n");
            return new StreamResult(c => LiveStreams.MjpegAsync(c, feed.Camera(id), o, Linked(c, stopping)));
        });
        // The grid's still frames: the latest JPEG (204 until the first is rendered); each request keeps frames of that
        // overlay rendered for a few seconds. One short request per camera per second, not an open stream per camera
        // (a browser opens at most six connections to a host).
        app.MapGet(Root + "/api/cameras/{id}/frame.jpg", (string id, string? overlay, HttpContext ctx, DashboardModel model, DashboardFeed feed) =>
        {
            if (model.Find(id) is null) return UnknownCamera(id, model);
            if (FrameOverlays.Parse(overlay) is not { } o)
                return Results.BadRequest($"overlay '{overlay}' is not one of heatmap, attention, none\n");
            var time = feed.Time;
            var jpeg = feed.Camera(id).Lease(o, time.GetTimestamp(), (long)(FrameLeaseSeconds * time.TimestampFrequency));
            ctx.Response.Headers.CacheControl = "no-store";
            return jpeg is null ? Results.NoContent() : Results.Bytes(jpeg, "image/jpeg");
        });
        app.MapGet(Root + "/api/stream", (HttpContext ctx, DashboardModel model, DashboardFeed feed, Timeline timeline) =>
            new StreamResult(c => LiveStreams.EventsAsync(c, model, feed, timeline, Linked(c, stopping))));
        app.MapGet(Root + "/api/events", (string? camera, string? zone, string? from, string? to, Timeline timeline) =>
        {
            TimelineFilter filter;
            try
            {
                filter = TimelineFilter.Parse(camera, zone, from, to);
            }
            catch (FormatException e)
            {
                return Results.BadRequest(e.Message + "\n");
            }
            return Results.Json(timeline.Query(filter), DashboardJson.Options);
        });
        app.MapGet(Root + "/snapshots/{name}", (string name) =>
        {
            if (!SnapshotName().IsMatch(name)) return Results.NotFound();
            var path = Path.Combine(options.ResolvePath(options.Alerts.Snapshots.Directory), name);
            return File.Exists(path) ? Results.File(path, "image/jpeg") : Results.NotFound();
        });
        app.MapPost(Root + "/api/outbox/requeue", async (string? webhook) =>
        {
            var path = options.ResolvePath(options.Alerts.Outbox.Path);
            var configured = WebhookEndpoint.FromOptions(options.Alerts);
            if (webhook is not null && configured.All(w => w.Name != webhook))
                return Results.BadRequest($"unknown webhook '{webhook}': configured webhooks: {string.Join(", ", configured.Select(w => w.Name))}\n");
            if (!File.Exists(path)) return Results.Json(new { requeued = Array.Empty<RequeueOutcome>(), message = "no outbox file yet: nothing to requeue" }, DashboardJson.Options);
            IReadOnlyList<WebhookBacklog> backlog;
            using (var inspector = new OutboxInspector(path)) backlog = inspector.Backlog();
            var outcomes = await DeadLetterRequeue.RequeueAsync(path, configured, backlog, webhook, CancellationToken.None);
            var total = outcomes.Sum(o => o.Requeued);
            log.LogInformation("Dashboard requeued {Count} dead letter(s) ({Webhooks})", total, string.Join(", ", outcomes.Select(o => $"{o.Webhook}: {o.Requeued}")));
            return Results.Json(new
            {
                requeued = outcomes,
                message = total == 0 ? "no dead letters to requeue"
                    : $"requeued {total} dead letter(s); the daemon sends them within alerts.outbox.pollIntervalSeconds ({options.Alerts.Outbox.PollIntervalSeconds:0.###} s)",
            }, DashboardJson.Options);
        });
    }

    private static IResult Asset(DashboardAssets assets, string file) =>
        assets.TryGet(file, out var body, out var type) ? Results.Bytes(body, type) : Results.NotFound();

    private static IResult UnknownCamera(string id, DashboardModel model) =>
        Results.NotFound($"no camera '{id}': cameras are {string.Join(", ", model.Cameras.Select(c => c.Id))}\n");

    /// <summary>Ends with the request or with the daemon (so an open page never holds up a stop).</summary>
    private static CancellationToken Linked(HttpContext ctx, CancellationToken stopping)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        ctx.Response.RegisterForDispose(cts);
        return cts.Token;
    }

    private sealed class StreamResult(Func<HttpContext, Task> write) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => write(httpContext);
    }
}
