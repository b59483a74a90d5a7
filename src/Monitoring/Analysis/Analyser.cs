using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitoring.Capture;
using Monitoring.Configuration;

namespace Monitoring.Analysis;

/// <summary>
/// The one analysis worker: takes frames from every camera's channel round-robin, batches up to
/// <c>model.maxBatchSize</c> of them (waiting at most <c>model.maxBatchWaitMs</c> for a batch to fill),
/// runs the model once per batch, and writes a <see cref="ScoredFrame"/> per frame to its output.
/// Live frames older than <c>pipeline.maxFrameAgeMs</c> are dropped (counted) rather than analysed late.
/// </summary>
public sealed class Analyser
{
    private readonly AnomalyModel _model;
    private readonly ModelOptions _modelOptions;
    private readonly PipelineOptions _pipeline;
    private readonly ILogger _log;
    private readonly CameraContext[] _cameras;
    private readonly ChannelWriter<ScoredFrame> _output;
    private readonly PipelineMetrics _metrics;

    public Analyser(AnomalyModel model, MonitoringOptions options, CameraSources sources, ScoredFrameChannel output,
        PipelineMetrics metrics, ILoggerFactory logs)
    {
        _model = model;
        _modelOptions = options.Model;
        _pipeline = options.Pipeline;
        _log = logs.CreateLogger("analyzer");
        _output = output.Writer;
        _metrics = metrics;
        _cameras = sources.All.Select(s => new CameraContext(s, model, options, _log)).ToArray();
    }

    public Task RunAsync(CancellationToken stop) => Task.Factory.StartNew(
        () => Loop(stop), stop, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    /// <summary>Frames of one camera with its own model (own predictor) per run of that model: such a camera's frames
    /// cannot share a batch with other cameras', and a camera seldom has more queued within one batch wait.</summary>
    internal const int OwnModelBatch = 4;

    private async Task Loop(CancellationToken stop)
    {
        // One batch per model: the shared model's, and one per camera that runs its own predictor (made when first needed).
        var batches = new Dictionary<AnomalyModel, AnalysisBatch>(ReferenceEqualityComparer.Instance);
        AnalysisBatch BatchOf(AnomalyModel m)
        {
            if (!batches.TryGetValue(m, out var b))
                batches[m] = b = m.CreateBatch(ReferenceEquals(m, _model) ? _modelOptions.MaxBatchSize : Math.Min(OwnModelBatch, _modelOptions.MaxBatchSize));
            return b;
        }
        var capacity = _modelOptions.MaxBatchSize;
        var members = new (CameraContext Camera, AnalysisBatch Batch, int Slot, Frame Frame, bool WarmingUp, long SinceStart, bool Restart, bool Learning, bool Settled)[capacity];
        var used = new List<AnalysisBatch>();
        var rr = 0;
        try
        {
            while (true)
            {
                foreach (var b in used) b.Clear();
                used.Clear();
                var n = 0;
                // Wait for the first frame from any camera.
                if (!await WaitForAnyAsync(stop)) break;
                var deadline = Stopwatch.GetTimestamp() + _modelOptions.MaxBatchWaitMs * Stopwatch.Frequency / 1000;
                while (n < capacity)
                {
                    var took = false;
                    for (var k = 0; k < _cameras.Length && n < capacity; k++)
                    {
                        var cam = _cameras[(rr + k) % _cameras.Length];
                        cam.Poll(); // a predictor tuned in the background switches the camera to its own model here
                        var batch = BatchOf(cam.Model);
                        if (batch.Count == batch.Capacity) continue; // its model's batch is full: the camera waits for the next one
                        if (!cam.Source.Frames.TryRead(out var frame)) continue;
                        took = true;
                        if (IsTooOld(cam, frame))
                        {
                            frame.Dispose();
                            continue;
                        }
                        cam.Push(frame.Grey, frame.Segment);
                        if (batch.Count == 0) used.Add(batch);
                        var slot = batch.Add(cam.Window, cam.Profile);
                        // Until the window holds its span of real frames its past is padding (a stream start, a reconnect).
                        // Learning: run without a profile. A frame added so stays a learning frame even when the camera's
                        // profile is built by an earlier frame of the same batch: its outputs were computed without one.
                        // The frame score is settled once its window holds no warm-up frame's score (decision 0020).
                        members[n++] = (cam, batch, slot, frame, !cam.Window.IsFull, cam.Window.FramesSinceStart, cam.Window.FramesSinceStart == 1, cam.Learning,
                            cam.Window.FramesSinceStart >= cam.Window.Span + cam.Smoother.Window - 1);
                    }
                    rr = (rr + 1) % _cameras.Length;
                    if (n >= capacity || Stopwatch.GetTimestamp() >= deadline) break;
                    if (!took)
                    {
                        // Nothing queued right now: give the batch a moment to fill, then go with what we have.
                        if (n == 0) break;
                        await Task.Delay(1, CancellationToken.None);
                    }
                }
                if (n == 0) continue;
                var t0 = Stopwatch.GetTimestamp();
                foreach (var b in used) b.Model.Run(b);
                _metrics.RecordInference(n, Stopwatch.GetElapsedTime(t0).TotalSeconds);
                for (var i = 0; i < n; i++)
                {
                    var (cam, batch, slot, frame, warmingUp, sinceStart, restart, learning, settled) = members[i];
                    members[i] = default;
                    if (learning) cam.Learn(batch.FeaturesOf(slot), restart);
                    cam.AnalysedFrames++;
                    _metrics.FrameAnalysed(cam.Source.Id);
                    // Results come in the order the frames were pushed, so each camera's smoother stays causal.
                    // A learning frame's score (no profile) says nothing: it stays out of the smoother, which starts with the profile.
                    // A window with a padded past counts on the camera's real-past scale (decision 0022).
                    var frameScore = learning ? batch.Score[slot]
                        : cam.Smoother.Add(warmingUp && cam.Profile is { } p ? p.Calibration.WarmUpAdjusted(batch.Score[slot], sinceStart) : batch.Score[slot], restart);
                    var result = new ScoredFrame(frame, frameScore, batch.AnomalyMapOf(slot), _model.CellsW, _model.CellsH, learning,
                        cam.Profile?.Version ?? "learning", learning ? default : batch.AttentionOf(slot)) // a learning frame never alerts
                    {
                        WarmingUp = warmingUp,
                        ProfileThreshold = cam.Profile?.Calibration.MapThreshold,
                        FrameTailProbability = cam.Profile?.Calibration.TailProbabilityOrNull(frameScore),
                        FrameTailThreshold = cam.Profile?.Calibration.FrameTailThreshold,
                        ScoreSettled = settled && !learning,
                    };
                    await _output.WriteAsync(result, CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            for (var i = 0; i < members.Length; i++) members[i].Frame?.Dispose();
            foreach (var b in batches.Values) b.Dispose();
            foreach (var cam in _cameras) cam.Dispose();
            _output.TryComplete();
        }
    }

    private bool IsTooOld(CameraContext cam, Frame frame)
    {
        if (_pipeline.MaxFrameAgeMs <= 0 || !cam.Source.BuffersAsLive) return false;
        if (Environment.TickCount64 - frame.EnqueuedTicks <= _pipeline.MaxFrameAgeMs) return false;
        cam.Source.CountDropped();
        return true;
    }

    /// <summary>Waits until some camera has a frame; false when every camera's channel has completed and drained.</summary>
    private async Task<bool> WaitForAnyAsync(CancellationToken stop)
    {
        while (true)
        {
            var open = new List<Task<bool>>(_cameras.Length);
            foreach (var cam in _cameras)
            {
                var reader = cam.Source.Frames;
                if (reader.TryPeek(out _)) return true;
                if (reader.Completion.IsCompleted) continue;
                open.Add(reader.WaitToReadAsync(stop).AsTask());
            }
            if (open.Count == 0) return false;
            await Task.WhenAny(open);
            stop.ThrowIfCancellationRequested();
        }
    }
}
