using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Snapshots;

namespace Monitoring.Alerting;

public static class AlertingServices
{
    /// <summary>
    /// Alerting (regions → events → snapshots → sinks): the "alerts" section, the <see cref="SnapshotWriter"/> when snapshots
    /// are enabled (alerts.snapshots.directory, relative to the config file), and the <see cref="IAlertStage"/> over what
    /// <c>AddDelivery</c> registers, showing its frames to an <see cref="IFrameObserver"/> when one is registered (the dashboard). The options stay as loaded: paths are resolved here, not written back.
    /// </summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services, MonitoringOptions options)
    {
        var alerts = options.Alerts;
        services.AddSection(alerts, new AlertingOptionsValidator());
        if (alerts.Snapshots.Enabled)
        {
            services.AddSingleton<ISnapshotRenderer, OpenCvSnapshotRenderer>();
            services.AddSingleton(sp => new SnapshotWriter(sp.GetRequiredService<ISnapshotRenderer>(),
                new SnapshotStore(alerts.Snapshots, options.ResolvePath(alerts.Snapshots.Directory)), alerts.Snapshots));
        }
        services.AddSingleton<IAlertStage>(sp => new AlertStage(alerts, sp.GetRequiredService<AlertSinks>(), sp.GetService<WebhookDeliverer>(),
            sp.GetService<SnapshotWriter>(), sp.GetRequiredService<AnomalyModel>().Version, TimeSpan.FromSeconds(options.Pipeline.DrainSeconds),
            sp.GetRequiredService<ILoggerFactory>(), frames: sp.GetService<IFrameObserver>()));
        return services;
    }
}
