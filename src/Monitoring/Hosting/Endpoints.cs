using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Observability;
using Prometheus;

namespace Monitoring.Hosting;

/// <summary>/healthz (the process serves), /readyz (the pipeline runs and every camera streams or has ended), /metrics.</summary>
public static class Endpoints
{
    /// <summary>
    /// The web stage: the "http" section and what /metrics serves — this host's own prometheus-net registry (not the
    /// static default one, nor its process/.NET series) and the <see cref="PrometheusExporter"/> filling it.
    /// </summary>
    public static IServiceCollection AddWeb(this IServiceCollection services, MonitoringOptions options)
    {
        services.AddSection(options.Http, new HttpOptionsValidator());
        services.AddSingleton(_ => Metrics.NewCustomRegistry());
        services.AddSingleton<PrometheusExporter>();
        return services;
    }

    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (DaemonStatus status, MonitoringOptions options) =>
        {
            var watchdog = options.Capture.WatchdogSeconds;
            var waiting = status.Sources
                .Select(s => s.State is not (CameraState.Streaming or CameraState.Ended) ? $"{s.Id}={s.State}"
                    : s.State == CameraState.Streaming && s.Kind.IsLive() && s.SecondsSinceLastFrame > watchdog ? $"{s.Id}=Stalled({s.SecondsSinceLastFrame:0}s)"
                    : null)
                .OfType<string>().ToList();
            return status.PipelineRunning && waiting.Count == 0
                ? Results.Text("ready\n")
                : Results.Text(status.PipelineRunning ? $"not ready: {string.Join(", ", waiting)}\n" : "not ready: pipeline not running\n", statusCode: 503);
        });
        // Made now, so the exporter listens to the meter from the start, not from the first scrape.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        app.MapMetrics(settings =>
        {
            settings.Registry = exporter.Registry;
            settings.EnableOpenMetrics = false; // always the Prometheus text format 0.0.4, as before
        });
        Web.Dashboard.Map(app);
    }
}
