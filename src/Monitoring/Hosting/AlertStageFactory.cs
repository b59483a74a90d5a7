using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Configuration;

namespace Monitoring.Hosting;

/// <summary>Builds the <see cref="AlertStage"/> from the config, with its paths resolved against the config file.</summary>
/// <param name="dashboard">The web dashboard's feed of frames and messages, when it is on.</param>
public sealed class AlertStageFactory(ILoggerFactory logs, Web.DashboardFeed? dashboard = null) : IAlertStageFactory
{
    public int SnapshotMaxWidth(MonitoringOptions options) => options.Alerts.Snapshots.Enabled ? int.MaxValue : 0;

    public IAlertStage Create(MonitoringOptions options, AnomalyModel model)
    {
        var a = options.Alerts;
        a.Outbox.Path = options.ResolvePath(a.Outbox.Path);
        a.Snapshots.Directory = options.ResolvePath(a.Snapshots.Directory);
        if (!string.IsNullOrWhiteSpace(a.JsonlPath)) a.JsonlPath = options.ResolvePath(a.JsonlPath);
        return new AlertStage(a, model.Version, TimeSpan.FromSeconds(options.Pipeline.DrainSeconds), logs, dashboard, dashboard);
    }
}
