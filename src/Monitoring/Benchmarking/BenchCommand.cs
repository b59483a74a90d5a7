using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Configuration;
using Monitoring.Hosting;
using Monitoring.Inference;
using Monitoring.Native.OpenCv;
using Serilog.Extensions.Logging;

namespace Monitoring.Benchmarking;

/// <summary>
/// <c>monitoring bench [--clip PATH] [--seconds S] [--out FILE] [--max-cameras N] [--soak-minutes M] …</c>: measures, in one
/// run, the capture paths, the model at batch 1/4/8, the serial bound, the pipeline's saturated throughput and the most
/// live cameras it analyses in real time; or, with <c>--soak-minutes</c>, runs the daemon for that long and tracks its memory.
/// docs/benchmarks.md has the figures and what they mean.
/// </summary>
public static class BenchCommand
{
    public const string DefaultClip = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
    public static readonly int[] DefaultRamp = [1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32];
    public static readonly int[] DefaultThroughputCameras = [1, 2, 4];
    public static readonly int[] DefaultModelBatches = [1, 4, 8];

    /// <summary>The command line, as <see cref="Commands"/> parsed it (with its defaults).</summary>
    public sealed record Arguments
    {
        public required string Clip { get; init; }
        public required double Seconds { get; init; }
        /// <summary>null: half of <see cref="Seconds"/>, within [1, 4].</summary>
        public required double? Warmup { get; init; }
        /// <summary>null: <see cref="Seconds"/>, within [1, 5].</summary>
        public required double? ProbeSeconds { get; init; }
        public required string Out { get; init; }
        public required int MaxCameras { get; init; }
        public required IReadOnlyList<int> Ramp { get; init; }
        public required IReadOnlyList<int> ThroughputCameras { get; init; }
        /// <summary>null: the bundled models/anomaly.onnx (<see cref="ModelLocator"/>).</summary>
        public required string? Model { get; init; }
        public required int Threads { get; init; }
        public required string Provider { get; init; }
        public required IReadOnlyList<int> ModelBatches { get; init; }
        public required int Batch { get; init; }
        public required int BatchWaitMs { get; init; }
        public required double Fps { get; init; }
        /// <summary>Comma-separated sections: decode, model, throughput, ramp.</summary>
        public required string Only { get; init; }
        public required double SoakMinutes { get; init; }
        public required int SoakCameras { get; init; }
        public required double SampleSeconds { get; init; }
        public required bool KeepWork { get; init; }
        public required bool AllocationProfile { get; init; }
        /// <summary>As the daemon: spinning off unless asked for (model.intraOpSpinning).</summary>
        public required bool Spin { get; init; }
        /// <summary>Every camera runs a predictor of its own (decision 0021): a session per camera, batches per camera.</summary>
        public bool OwnPredictors { get; init; }
    }

    public static async Task<int> RunAsync(Arguments a)
    {
        var clip = Path.GetFullPath(a.Clip);
        var seconds = a.Seconds;
        var warmup = a.Warmup ?? Math.Min(4, Math.Max(1, seconds / 2));
        var probeSeconds = a.ProbeSeconds ?? Math.Min(5, Math.Max(1, seconds));
        var outPath = Path.GetFullPath(a.Out);
        var maxCameras = a.MaxCameras;
        var ramp = a.Ramp;
        var throughputCameras = a.ThroughputCameras;
        var modelPath = ModelLocator.Find(a.Model);
        var threads = a.Threads;
        var provider = ExecutionProviders.Parse(a.Provider);
        var modelBatches = a.ModelBatches;
        var batch = a.Batch;
        var batchWait = a.BatchWaitMs;
        var analysisFps = a.Fps;
        var only = a.Only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var soakMinutes = a.SoakMinutes;
        var soakCameras = a.SoakCameras;
        var sampleSeconds = a.SampleSeconds;
        var keepWork = a.KeepWork;
        var allocationProfile = a.AllocationProfile;
        var spinning = a.Spin;
        if (!File.Exists(clip)) throw new UsageException($"clip '{clip}' does not exist (Debian: apt-get install opencv-doc, or pass --clip)");
        if (seconds <= 0 || warmup < 0 || probeSeconds <= 0) throw new UsageException("--seconds, --probe-seconds must be > 0 and --warmup >= 0");
        if (maxCameras < 1 || batch < 1 || threads < 0 || modelBatches.Any(b => b > 256)) throw new UsageException("--max-cameras and --batch must be >= 1, --threads >= 0, --model-batches <= 256");

        using var serilog = Logging.Create(new Configuration.LoggingOptions { Level = "Warning" });
        using var logs = new SerilogLoggerFactory(serilog);
        var outDir = Path.GetDirectoryName(outPath)!;
        var work = Path.Combine(outDir, "work");
        Directory.CreateDirectory(work);
        using var model = AnomalyModel.Load(modelPath, new OnnxSessionOptions(provider, threads, IntraOpSpinning: spinning), logs.CreateLogger("bench"));
        var report = new BenchReport
        {
            Machine = Machine(), Clip = clip, Model = modelPath, ModelVersion = model.Version,
            ModelShape = $"frames [N,{model.T},{model.H},{model.W}] -> features/map [N,{model.D}|1,{model.CellsH},{model.CellsW}]",
            StartedUtc = DateTimeOffset.UtcNow, IntraOpThreads = threads, IntraOpSpinning = spinning,
        };
        Say($"bench: {report.Machine.Cpu}, {report.Machine.LogicalCores} cores; {report.Machine.Dotnet}; OpenCV {report.Machine.OpenCv}; ORT {report.Machine.OnnxRuntime}");
        Say($"model {model.Version} on {model.ActiveProvider}: {report.ModelShape}; intra-op threads {(threads == 0 ? "0 (ORT default: one per physical core)" : threads)}, spinning {(spinning ? "on (--spin, ORT's default)" : "off (the daemon's default)")}");

        var profilePath = Path.Combine(work, "bench.profile.json");
        LearnProfile(model, clip, batch, profilePath, a.OwnPredictors);
        var setup = new PipelineSetup(model, clip, profilePath, work, threads, batch, batchWait, analysisFps, logs, spinning);

        if (soakMinutes > 0)
        {
            var csv = Path.Combine(outDir, "soak.csv");
            var plot = Path.Combine(outDir, "soak-rss.png");
            Say($"soak: {soakCameras} live camera(s) for {soakMinutes} min, a sample every {sampleSeconds} s -> {csv}");
            var soak = await SoakRunner.RunAsync(setup, soakCameras, soakMinutes, sampleSeconds, csv, plot, Say);
            // InvariantGlobalization is on: the current culture is the invariant one.
            Say($"soak: RSS {soak.RssAfterWarmupBytes / 1048576.0:0.0} MiB after {soak.WarmupMinutes:0.0} min warm-up -> {soak.RssEndBytes / 1048576.0:0.0} MiB at the end " +
                $"({soak.RssGrowthPercent:+0.00;-0.00} %, slope {soak.RssSlopeMiBPerHour:+0.0;-0.0} MiB/h, max {soak.RssMaxBytes / 1048576.0:0.0} MiB); " +
                $"managed heap {soak.ManagedHeapAfterWarmupBytes / 1048576.0:0.0} -> {soak.ManagedHeapEndBytes / 1048576.0:0.0} MiB; gen0/1/2 {soak.Gen0}/{soak.Gen1}/{soak.Gen2}; " +
                $"analysed {100 * soak.AnalysedFraction:0.0} %, dropped {soak.FramesDropped}; latency p50 {soak.FrameLatency.P50Ms:0} ms p99 {soak.FrameLatency.P99Ms:0} ms -> " +
                (soak.MeetsTarget ? "meets" : "MISSES") + " the 5 % target");
            await File.WriteAllTextAsync(Path.ChangeExtension(outPath, ".soak.json"), JsonSerializer.Serialize(soak, Json));
            Say($"plot: {plot}");
            return 0;
        }

        if (only.Contains("decode"))
        {
            report.Decode.AddRange(DecodeProbe.Run(clip, model.W, model.H, probeSeconds));
            foreach (var d in report.Decode) Say($"decode {d.Path,-22} {d.Fps,8:0.0} frames/s ({d.MsPerFrame:0.00} ms/frame): {d.Description}");
        }
        if (only.Contains("model"))
        {
            foreach (var b in modelBatches)
            {
                var m = ModelProbe.Run(model, clip, b, threads, probeSeconds);
                report.ModelRuns.Add(m);
                Say($"model batch {b}: {m.FramesPerSecond:0.0} frames/s ({m.MsPerBatch:0.0} ms/batch, p50 {m.MsPerBatchP50:0.0} p99 {m.MsPerBatchP99:0.0}), {m.Provider}, intra-op threads {threads}");
            }
        }
        var daemonDecode = report.Decode.FirstOrDefault(d => d.Path == DecodeProbe.DaemonPath);
        var grab = report.Decode.FirstOrDefault(d => d.Path == "decode-bgr");
        var atBatch = report.ModelRuns.FirstOrDefault(m => m.Batch == batch) ?? report.ModelRuns.LastOrDefault();
        if (daemonDecode is not null && atBatch is not null)
        {
            var bound = 1 / (1 / daemonDecode.Fps + 1 / atBatch.FramesPerSecond);
            var boundDecodeOnly = grab is null ? double.NaN : 1 / (1 / grab.Fps + 1 / atBatch.FramesPerSecond);
            report.Bound = new SerialBound(daemonDecode.Path, daemonDecode.Fps, atBatch.Batch, atBatch.FramesPerSecond, bound, boundDecodeOnly);
            Say($"serial bound 1/(1/decode + 1/model) = {bound:0.0} frames/s (capture path {daemonDecode.Fps:0.0}, model at batch {atBatch.Batch} {atBatch.FramesPerSecond:0.0}); " +
                $"with decode-bgr instead: {boundDecodeOnly:0.0}");
        }
        if (only.Contains("throughput"))
        {
            foreach (var n in throughputCameras.Where(n => n <= maxCameras))
                report.Throughput.Add(await PipelineRunner.RunAsync(setup, n, CameraPacing.Unpaced, warmup, seconds, Say, allocationProfile));
            if (report.Bound is not null && report.Throughput.Count > 0)
            {
                var best = report.Throughput.Max(t => t.AnalysedFpsTotal);
                report.ThroughputFractionOfBound = best / report.Bound.FramesPerSecond;
                Say($"pipeline throughput {best:0.0} frames/s = {100 * report.ThroughputFractionOfBound:0} % of the serial bound (target >= 80 %)");
            }
        }
        if (only.Contains("ramp"))
        {
            foreach (var n in ramp.Where(n => n <= maxCameras))
            {
                var r = await PipelineRunner.RunAsync(setup, n, CameraPacing.Live, warmup, seconds, Say, allocationProfile);
                report.Ramp.Add(r);
                if (r.Realtime != true) break;
                report.MaxRealtimeCameras = n;
            }
            Say(report.MaxRealtimeCameras is { } max
                ? $"real time: up to {max} camera(s) x {analysisFps:0} fps (>= 95 % analysed, p99 <= 500 ms)"
                : "real time: not even one camera met the criteria");
        }
        report.PeakRssBytes = ProcessStats.PeakRssBytes();
        await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(report, Json));
        Say($"peak RSS {report.PeakRssBytes / 1048576.0:0} MiB; report: {outPath}");
        if (!keepWork) TryDelete(work);
        return 0;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Every camera of a run shares one profile, learned here from the clip's first 200 analysed frames. With
    /// <paramref name="ownPredictors"/> the profile carries a predictor (the model's own weights: the speed is the same
    /// as a tuned one's), so every camera runs a session of its own, as cameras learned with tuning do.
    /// </summary>
    private static void LearnProfile(AnomalyModel model, string clip, int batch, string path, bool ownPredictors)
    {
        var builder = new ProfileBuilder(model);
        using var enough = new CancellationTokenSource();
        try
        {
            new ClipRunner(model, batch, 10).Run([clip], null, (_, _, b, slot, _) =>
            {
                builder.Add(b.FeaturesOf(slot), 0);
                if (builder.Count >= 200) enough.Cancel();
            }, null, enough.Token);
        }
        catch (OperationCanceledException) when (enough.IsCancellationRequested)
        {
        }
        var profile = builder.Build("bench", model, UriMasking.Mask(clip));
        if (ownPredictors) profile = profile.WithPredictor(model.OwnPredictor.Flatten(), "bench: the model's own weights, a session per camera", model.Version);
        profile.Save(path);
    }

    private static void Say(string line) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static MachineInfo Machine()
    {
        string Read(string file, string key, string fallback)
        {
            try
            {
                foreach (var line in File.ReadLines(file))
                    if (line.StartsWith(key, StringComparison.Ordinal)) return line[(line.IndexOf(key.EndsWith('=') ? '=' : ':') + 1)..].Trim().Trim('"');
            }
            catch (IOException) { }
            return fallback;
        }
        var memKb = long.TryParse(Read("/proc/meminfo", "MemTotal", "0").Split(' ')[0], CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        return new MachineInfo(Read("/proc/cpuinfo", "model name", RuntimeInformation.ProcessArchitecture.ToString()), Environment.ProcessorCount,
            memKb * 1024, Read("/etc/os-release", "PRETTY_NAME=", RuntimeInformation.OSDescription), RuntimeInformation.FrameworkDescription,
            OpenCvRuntime.Version, OnnxRuntimeInfo.Version,
            $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}");
    }
}
