using Microsoft.Extensions.DependencyInjection;
using Monitoring.Alerting;
using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Observability;

namespace Monitoring.Hosting;

public static class PipelineServices
{
    /// <summary>
    /// The pipeline, composed from its stages: capture → analysis → alerting → delivery, and the <see cref="Daemon"/> that
    /// runs them. Also what spans stages: the loaded config, the <see cref="FrameSizes"/> capture makes (the model's input
    /// size; BGR pixels kept only when snapshots are on), the <see cref="DaemonStatus"/> and the summary's output.
    /// `run` adds the web endpoints and runs the daemon as a hosted service; bench resolves it from a plain container.
    /// </summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services, MonitoringOptions options, TextWriter output)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp =>
        {
            var model = sp.GetRequiredService<AnomalyModel>();
            return new FrameSizes(model.W, model.H, options.Alerts.Snapshots.Enabled ? int.MaxValue : 0);
        });
        services.AddCapture(options);
        services.AddAnalysis(options);
        services.AddAlerting(options);
        services.AddDelivery(options);
        services.AddSingleton<DaemonStatus>();
        services.AddSingleton(new DaemonOutput(output));
        services.AddSingleton<Pipeline>();
        services.AddSingleton<Func<Pipeline>>(sp => sp.GetRequiredService<Pipeline>);
        services.AddSingleton<Daemon>();
        return services;
    }
}
