using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Hosting;
using Monitoring.Observability;

namespace Monitoring.Benchmarking;

/// <summary>How the cameras of a pipeline run deliver frames.</summary>
public enum CameraPacing
{
    /// <summary>Each camera is the clip, looped, paced at its frame rate and buffered as a live camera (drop-oldest, frame-age limit).</summary>
    Live,
    /// <summary>Each camera is the clip, looped, read as fast as the pipeline takes it (files wait): saturation throughput.</summary>
    Unpaced,
}

/// <summary>What every pipeline run shares: the model, the clip, the learned profile, the scratch folder.</summary>
public sealed record PipelineSetup(AnomalyModel Model, string ClipPath, string ProfilePath, string WorkDirectory, int IntraOpThreads,
    int MaxBatchSize, int MaxBatchWaitMs, double AnalysisFps, ILoggerFactory Logs, bool IntraOpSpinning = false);

/// <summary>
/// Runs the daemon's own pipeline in this process — <see cref="Daemon"/> with its <see cref="CameraSource"/>s,
/// <see cref="Analyser"/> and <see cref="AlertStage"/> (regions, events, snapshots, JSONL; no HTTP, no webhooks) —
/// over N copies of the clip, and measures it over a window after a warm-up.
/// </summary>
public static class PipelineRunner
{
    public static MonitoringOptions Options(PipelineSetup setup, int cameras, CameraPacing pacing, string runName)
    {
        var dir = Path.Combine(setup.WorkDirectory, runName);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var options = new MonitoringOptions
        {
            Model = new ModelOptions
            {
                Path = setup.Model.Path, Provider = setup.Model.ActiveProvider.ToString().ToLowerInvariant(),
                IntraOpThreads = setup.IntraOpThreads, IntraOpSpinning = setup.IntraOpSpinning, MaxBatchSize = setup.MaxBatchSize, MaxBatchWaitMs = setup.MaxBatchWaitMs,
            },
            Http = new HttpOptions { Enabled = false },
            Logging = new LoggingOptions { Level = "Warning" },
            Alerts = new AlertingOptions
            {
                JsonlPath = Path.Combine(dir, "alerts.jsonl"),
                Outbox = new OutboxOptions { Path = Path.Combine(dir, "outbox.db") },
                Snapshots = new SnapshotOptions { Enabled = true, Directory = Path.Combine(dir, "snapshots"), MaxFiles = 200 },
            },
        };
        for (var i = 0; i < cameras; i++)
        {
            options.Cameras.Add(new CameraOptions
            {
                Id = $"cam{i + 1:00}", Url = setup.ClipPath, Loop = true, AnalysisFps = setup.AnalysisFps,
                Realtime = pacing == CameraPacing.Live, TreatAsLive = pacing == CameraPacing.Live, Profile = setup.ProfilePath,
            });
        }
        var errors = new MonitoringOptionsValidator().Check(options);
        if (errors.Count > 0) throw new InvalidOperationException($"bench built an invalid config: {string.Join("; ", errors)}");
        return options;
    }

    /// <summary>How long past the warm-up (or past the window) a run waits for a frame of every camera.</summary>
    public const double FirstFramesTimeoutSeconds = 60;

    public static async Task<PipelineResult> RunAsync(PipelineSetup setup, int cameras, CameraPacing pacing, double warmupSeconds,
        double windowSeconds, Action<string>? progress = null, bool allocationProfile = false)
    {
        var mode = pacing == CameraPacing.Live ? "live" : "unpaced";
        var options = Options(setup, cameras, pacing, $"{mode}-{cameras}");
        using var probe = new PipelineProbe();
        using var allocations = allocationProfile ? new AllocationSampler() : null;
        using var lifetime = new BenchLifetime();
        await using var services = Compose(setup, options, lifetime);
        var daemon = services.GetRequiredService<Daemon>();
        var status = services.GetRequiredService<DaemonStatus>();
        await daemon.StartAsync(CancellationToken.None);
        try
        {
            // The warm-up lasts at least warmupSeconds and until every camera has had a frame analysed: on a busy machine
            // opening the clips and the first model calls can outlast a short warm-up, and a window that starts before the
            // first frames measures start-up, not the pipeline.
            var metrics = services.GetRequiredService<PipelineMetrics>();
            var ids = options.Cameras.Select(c => c.Id).ToArray();
            var warm = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
            while (ids.Any(id => metrics.AnalysedFor(id) == 0))
            {
                if (warm.Elapsed.TotalSeconds > warmupSeconds + FirstFramesTimeoutSeconds)
                    throw new InvalidOperationException(
                        $"{ids.Count(id => metrics.AnalysedFor(id) > 0)} of {ids.Length} camera(s) had a frame analysed within {warm.Elapsed.TotalSeconds:0} s of starting; see the log above");
                if (lifetime.StopRequested || daemon.ExecuteTask is { IsCompleted: true })
                    throw new InvalidOperationException("the pipeline stopped during the warm-up; see the log above");
                await Task.Delay(50);
            }
            warmupSeconds = warm.Elapsed.TotalSeconds;
            GC.Collect();
            var before = Snapshot(status.Sources);
            var rssPeak = ProcessStats.RssBytes();
            probe.Recording = true;
            if (allocations is not null) allocations.Recording = true;
            var clock = Stopwatch.StartNew();
            // The window lasts windowSeconds, and longer (up to FirstFramesTimeoutSeconds more) until every camera has had a
            // frame analysed within it: a machine busy with other work can stall a short window, and a window without a
            // frame measures nothing. Rates divide by the window actually taken.
            var atStart = ids.Select(metrics.AnalysedFor).ToArray();
            bool AllAnalysedInWindow() => ids.Select((id, i) => metrics.AnalysedFor(id) > atStart[i]).All(x => x);
            while (clock.Elapsed.TotalSeconds < windowSeconds
                   || (!AllAnalysedInWindow() && clock.Elapsed.TotalSeconds < windowSeconds + FirstFramesTimeoutSeconds))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250, Math.Max(10, 1000 * (windowSeconds - clock.Elapsed.TotalSeconds)))));
                rssPeak = Math.Max(rssPeak, ProcessStats.RssBytes());
                if (lifetime.StopRequested || daemon.ExecuteTask is { IsCompleted: true })
                    throw new InvalidOperationException("the pipeline stopped during the measurement; see the log above");
            }
            probe.Recording = false;
            if (allocations is not null) allocations.Recording = false;
            var after = Snapshot(status.Sources);
            var window = clock.Elapsed.TotalSeconds;
            var analysed = probe.Analysed;
            var queued = after.Queued - before.Queued;
            var dropped = after.Dropped - before.Dropped;
            var expected = pacing == CameraPacing.Live ? (long)Math.Round(cameras * setup.AnalysisFps * window) : queued;
            var frameLatency = LatencySummary.Of(probe.FrameLatencies());
            var analysedFraction = expected == 0 ? 0 : Math.Min(1.0, (double)analysed / expected);
            bool? realtime = pacing == CameraPacing.Live ? analysedFraction >= 0.95 && frameLatency.P99Ms <= 500 : null;
            var result = new PipelineResult
            {
                Mode = mode, Cameras = cameras, AnalysisFps = setup.AnalysisFps, WarmupSeconds = warmupSeconds, WindowSeconds = window,
                FramesExpected = expected, FramesDecoded = after.Decoded - before.Decoded, FramesQueued = queued,
                FramesAnalysed = analysed, FramesDropped = dropped,
                AnalysedFraction = analysedFraction,
                DropRate = queued == 0 ? 0 : (double)dropped / queued,
                AnalysedFpsTotal = analysed / window, AnalysedFpsPerCamera = analysed / window / cameras,
                FrameLatency = frameLatency, EventLatency = LatencySummary.Of(probe.EventLatencies()),
                MeanBatch = probe.Batches == 0 ? 0 : (double)probe.BatchFrames / probe.Batches,
                InferenceMsMean = probe.Batches == 0 ? 0 : 1000 * probe.InferenceSeconds / probe.Batches,
                InferenceBusyFraction = probe.InferenceSeconds / window,
                CpuFraction = (after.Cpu - before.Cpu).TotalSeconds / window / Environment.ProcessorCount,
                PeakRssBytes = rssPeak,
                Gen0 = after.Gen0 - before.Gen0, Gen1 = after.Gen1 - before.Gen1, Gen2 = after.Gen2 - before.Gen2,
                AllocatedBytes = after.Allocated - before.Allocated,
                TopAllocations = allocations?.Top(12),
                Realtime = realtime,
                Verdict = realtime switch
                {
                    null => null,
                    true => "real time",
                    false => analysedFraction < 0.95
                        ? $"behind: {100 * analysedFraction:0.0} % of frames analysed (< 95 %)"
                        : $"late: p99 {frameLatency.P99Ms:0} ms (> 500 ms)",
                },
            };
            progress?.Invoke(Describe(result));
            foreach (var a in result.TopAllocations ?? [])
                progress?.Invoke($"  allocated {a.Type}{(a.LargeObjectHeap ? " (LOH)" : "")}: ~{a.SampledBytes / Math.Max(1.0, analysed) / 1024:0.0} KiB/frame (sampled)");
            return result;
        }
        finally
        {
            probe.Recording = false;
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The daemon's own composition (<see cref="PipelineServices.AddPipeline"/>) over the bench's model and logging, with
    /// <paramref name="lifetime"/> in place of a host's; disposing the container disposes the pipeline, not the model.
    /// </summary>
    internal static ServiceProvider Compose(PipelineSetup setup, MonitoringOptions options, BenchLifetime lifetime) =>
        new ServiceCollection()
            .AddSingleton(setup.Logs)
            .AddLogging()
            .AddSingleton(setup.Model)
            .AddSingleton<IHostApplicationLifetime>(lifetime)
            .AddPipeline(options, Console.Out)
            .BuildServiceProvider();

    public static string Describe(PipelineResult r) =>
        $"{r.Mode} {r.Cameras} camera(s): {r.AnalysedFpsTotal:0.0} frames/s analysed ({r.AnalysedFpsPerCamera:0.00}/camera, " +
        $"{100 * r.AnalysedFraction:0.0} % of {r.FramesExpected}), dropped {100 * r.DropRate:0.0} %, " +
        $"latency p50 {r.FrameLatency.P50Ms:0} ms p99 {r.FrameLatency.P99Ms:0} ms, batch {r.MeanBatch:0.0}, " +
        $"CPU {100 * r.CpuFraction:0} % ({r.CpuMsPerFrame:0.0} ms/frame), RSS {r.PeakRssBytes / 1048576.0:0} MiB, alloc {r.AllocatedBytesPerFrame / 1024:0.0} KiB/frame, " +
        $"gen0/1/2 {r.Gen0}/{r.Gen1}/{r.Gen2}" + (r.Verdict is null ? "" : $" -> {r.Verdict}");

    private readonly record struct Counters(long Decoded, long Queued, long Dropped, TimeSpan Cpu, long Gen0, long Gen1, long Gen2, long Allocated);

    private static Counters Snapshot(IReadOnlyList<CameraSource> sources) => new(
        sources.Sum(s => s.FramesDecoded), sources.Sum(s => s.FramesQueued), sources.Sum(s => s.FramesDropped),
        ProcessStats.CpuTime(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: false));
}
