using Monitoring.Alerting;
using Monitoring.Analysis;
using Monitoring.Capture;

namespace Monitoring.Hosting;

/// <summary>
/// The stages the <see cref="Daemon"/> runs and what joins them. The daemon has them built when it starts running
/// (through a <c>Func&lt;Pipeline&gt;</c>), so a stage that cannot be built — a profile of another model, an outbox that
/// cannot be opened — fails the pipeline (exit 1) exactly as a stage that fails while running does.
/// </summary>
public sealed class Pipeline(CameraSources cameras, Analyser analyser, ScoredFrameChannel analysed, IAlertStage alerts, PipelineMetrics metrics)
{
    public CameraSources Cameras { get; } = cameras;
    public Analyser Analyser { get; } = analyser;
    public ScoredFrameChannel Analysed { get; } = analysed;
    public IAlertStage Alerts { get; } = alerts;
    public PipelineMetrics Metrics { get; } = metrics;
}
