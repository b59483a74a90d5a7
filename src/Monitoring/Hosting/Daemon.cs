using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Alerting;
using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Observability;

namespace Monitoring.Hosting;

/// <summary>
/// The pipeline as one hosted service: runs the stages of the <see cref="Pipeline"/> it is given — the
/// <see cref="CameraSources"/> → the <see cref="Analyser"/> → (<see cref="ScoredFrameChannel"/>) → the alert stage — and
/// reports on them. Stops the host
/// when every source has ended (files without loop), so `run` over recorded footage finishes by itself; live sources
/// run until SIGTERM/SIGINT. The stages are composed in <see cref="PipelineServices.AddPipeline"/>.
/// </summary>
public sealed class Daemon(
    Func<Pipeline> stages,
    AnomalyModel model,
    ModelOptions modelOptions,
    DaemonStatus status,
    DaemonOutput output,
    ILoggerFactory logs,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly ILogger _log = logs.CreateLogger("pipeline");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunPipelineAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            status.Failure = e; // the host logs it and stops; `run` exits 1 with its message
            throw;
        }
    }

    private async Task RunPipelineAsync(CancellationToken stoppingToken)
    {
        var pipeline = stages();
        var (sources, analyser, analysed, alerts, metrics) = (pipeline.Cameras.All, pipeline.Analyser, pipeline.Analysed, pipeline.Alerts, pipeline.Metrics);
        status.Sources = sources;
        status.ModelVersion = model.Version;

        // Capture stops on the host's signal; analysis and alerts then drain what was captured.
        using var captureStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var captureTasks = sources.Select(s => RunSource(s, captureStop.Token)).ToList();
        var analyserTask = analyser.RunAsync(CancellationToken.None);
        var alertTask = alerts.RunAsync(analysed.Reader, CancellationToken.None);
        status.PipelineRunning = true;
        _log.LogInformation("Pipeline started: {Cameras} camera(s), model {Model} on {Provider}, batch ≤ {Batch}",
            sources.Count, model.Version, model.ActiveProvider, modelOptions.MaxBatchSize);
        try
        {
            await Task.WhenAll(captureTasks);
            await analyserTask;
            output.Writer.WriteLine(await alertTask);
        }
        finally
        {
            status.PipelineRunning = false;
            var analysedTotal = metrics.Frames;
            _log.LogInformation("Pipeline stopped: {Frames} frames analysed in {Batches} batches (mean batch {Mean:0.0}, mean inference {Ms:0.0} ms)",
                analysedTotal, metrics.Batches, metrics.Batches == 0 ? 0 : (double)analysedTotal / metrics.Batches,
                metrics.Batches == 0 ? 0 : 1000 * metrics.InferenceSecondsTotal / metrics.Batches);
            foreach (var s in sources)
                _log.LogInformation("Camera {Camera}: {State}, decoded {Decoded}, analysed {Analysed}, dropped {Dropped}, reconnects {Reconnects}",
                    s.Id, s.State, s.FramesDecoded, metrics.AnalysedFor(s.Id), s.FramesDropped, s.Reconnects);
        }
        if (!stoppingToken.IsCancellationRequested)
        {
            _log.LogInformation("Every source has ended; stopping");
            lifetime.StopApplication();
        }
    }

    private async Task RunSource(CameraSource source, CancellationToken stop)
    {
        try
        {
            await source.RunAsync(stop);
        }
        catch (Exception e)
        {
            // One broken camera never takes the others down; it was logged where it failed.
            _log.LogError("Camera {Camera} stopped: {Error}", source.Id, e.Message);
        }
    }
}
