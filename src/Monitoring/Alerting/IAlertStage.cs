using System.Threading.Channels;
using Monitoring.Analysis;

namespace Monitoring.Alerting;

/// <summary>The stage after analysis: regions, events, snapshots, delivery. Owns (disposes) every frame it reads.</summary>
public interface IAlertStage
{
    /// <summary>Runs until <paramref name="frames"/> completes; returns one line for people: what was found and where it went.</summary>
    Task<string> RunAsync(ChannelReader<ScoredFrame> frames, CancellationToken cancellation);
}
