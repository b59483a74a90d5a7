using System.Threading.Channels;
using Monitoring.Analysis;
using Monitoring.Configuration;

namespace Monitoring.Hosting;

/// <summary>The stage after analysis: regions, events, snapshots, delivery. Owns (disposes) every frame it reads.</summary>
public interface IAlertStage : IAsyncDisposable
{
    Task RunAsync(ChannelReader<ScoredFrame> frames, CancellationToken cancellation);
}

public interface IAlertStageFactory
{
    /// <summary>Widest BGR frame kept for snapshots (0 = none, int.MaxValue = the source's size).</summary>
    int SnapshotMaxWidth(MonitoringOptions options);
    IAlertStage Create(MonitoringOptions options, AnomalyModel model);
}
