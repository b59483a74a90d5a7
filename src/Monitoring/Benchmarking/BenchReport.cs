namespace Monitoring.Benchmarking;

/// <summary>Everything one <c>monitoring bench</c> run measured; written as JSON (<c>--out</c>).</summary>
public sealed class BenchReport
{
    public required MachineInfo Machine { get; init; }
    public required string Clip { get; init; }
    public required string Model { get; init; }
    public required string ModelVersion { get; init; }
    /// <summary>The model's window and grid as read from the model: T×H×W in, D×cellsH×cellsW per frame.</summary>
    public required string ModelShape { get; init; }
    public required DateTimeOffset StartedUtc { get; init; }
    public required int IntraOpThreads { get; init; }
    public required bool IntraOpSpinning { get; init; }
    public List<DecodeResult> Decode { get; } = [];
    public List<ModelResult> ModelRuns { get; } = [];
    public SerialBound? Bound { get; set; }
    public List<PipelineResult> Throughput { get; } = [];
    public List<PipelineResult> Ramp { get; } = [];
    /// <summary>Most cameras that met the real-time criteria before the first count that did not.</summary>
    public int? MaxRealtimeCameras { get; set; }
    public double? ThroughputFractionOfBound { get; set; }
    public long PeakRssBytes { get; set; }
}

public sealed record MachineInfo(string Cpu, int LogicalCores, long MemoryBytes, string Os, string Dotnet, string OpenCv,
    string OnnxRuntime, string Gc);

/// <summary>One capture path over the clip at its native size: frames per second on one thread.</summary>
public sealed record DecodeResult(string Path, string Description, long Frames, double Seconds, double Fps, double MsPerFrame);

/// <summary>The model alone at one batch size.</summary>
public sealed record ModelResult(int Batch, int IntraOpThreads, string Provider, long Runs, double Seconds, double FramesPerSecond,
    double MsPerBatch, double MsPerBatchP50, double MsPerBatchP99);

/// <summary>1/(1/decode + 1/model): one thread decoding then inferring, frame after frame, with no overlap.</summary>
public sealed record SerialBound(string DecodePath, double DecodeFps, int ModelBatch, double ModelFps, double FramesPerSecond,
    double FramesPerSecondDecodeOnly);

/// <summary>One in-process pipeline run (a ramp step or a throughput run) over its measurement window.</summary>
public sealed record PipelineResult
{
    public required string Mode { get; init; }
    public required int Cameras { get; init; }
    public required double AnalysisFps { get; init; }
    public required double WarmupSeconds { get; init; }
    public required double WindowSeconds { get; init; }
    public required long FramesExpected { get; init; }
    public required long FramesDecoded { get; init; }
    public required long FramesQueued { get; init; }
    public required long FramesAnalysed { get; init; }
    public required long FramesDropped { get; init; }
    public required double AnalysedFraction { get; init; }
    public required double DropRate { get; init; }
    public required double AnalysedFpsTotal { get; init; }
    public required double AnalysedFpsPerCamera { get; init; }
    public required LatencySummary FrameLatency { get; init; }
    public required LatencySummary EventLatency { get; init; }
    public required double MeanBatch { get; init; }
    public required double InferenceMsMean { get; init; }
    public required double InferenceBusyFraction { get; init; }
    public required double CpuFraction { get; init; }
    public required long PeakRssBytes { get; init; }
    public required long Gen0 { get; init; }
    public required long Gen1 { get; init; }
    public required long Gen2 { get; init; }
    public required long AllocatedBytes { get; init; }
    /// <summary>Process CPU time per analysed frame: robust to other load on a shared machine, unlike frames/s.</summary>
    public double CpuMsPerFrame => FramesAnalysed == 0 ? 0 : 1000 * CpuFraction * Environment.ProcessorCount * WindowSeconds / FramesAnalysed;
    public double AllocatedBytesPerFrame => FramesAnalysed == 0 ? 0 : (double)AllocatedBytes / FramesAnalysed;
    /// <summary>With --alloc-profile: the runtime's allocation samples by type over the window.</summary>
    public List<AllocationShare>? TopAllocations { get; init; }
    public bool? Realtime { get; init; }
    public string? Verdict { get; init; }
}

public sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary Of(List<double> seconds)
    {
        if (seconds.Count == 0) return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var s = seconds.ToArray();
        Array.Sort(s);
        return new LatencySummary(s.Length, 1000 * Rank(s, 0.50), 1000 * Rank(s, 0.90), 1000 * Rank(s, 0.99), 1000 * s[^1], 1000 * s.Average());
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Rank(double[] sorted, double q)
    {
        var k = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(k, 0, sorted.Length - 1)];
    }
}
