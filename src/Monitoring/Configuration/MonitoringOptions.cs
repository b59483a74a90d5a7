namespace Monitoring.Configuration;

/// <summary>The whole daemon configuration (config/monitoring.json). docs/config.schema.json documents it.</summary>
public sealed class MonitoringOptions
{
    public ModelOptions Model { get; set; } = new();
    public NativeOptions Native { get; set; } = new();
    public PipelineOptions Pipeline { get; set; } = new();
    public CaptureOptions Capture { get; set; } = new();
    public List<CameraOptions> Cameras { get; set; } = [];
    public LoggingOptions Logging { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public DashboardOptions Dashboard { get; set; } = new();
    public AlertingOptions Alerts { get; set; } = new();

    /// <summary>The folder relative paths are resolved against (the config file's folder).</summary>
    internal string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();

    public string ResolvePath(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));
}

public sealed class ModelOptions
{
    /// <summary>The ONNX model (models/README.md is its card).</summary>
    public string Path { get; set; } = "../models/anomaly.onnx";
    /// <summary>auto | cpu | cuda.</summary>
    public string Provider { get; set; } = "auto";
    /// <summary>ONNX Runtime intra-op threads; 0 = ORT's default (one per core).</summary>
    public int IntraOpThreads { get; set; }
    /// <summary>
    /// Whether ONNX Runtime's idle intra-op threads spin-wait for work (ORT's own default is to spin). Off by default:
    /// on a small CPU the spinning takes the cores the capture threads need (docs/benchmarks.md: ~35 % less CPU per
    /// analysed frame with it off).
    /// </summary>
    public bool IntraOpSpinning { get; set; }
    public int CudaDeviceId { get; set; }
    /// <summary>Most frames (of all cameras) in one inference call.</summary>
    public int MaxBatchSize { get; set; } = 8;
    /// <summary>How long the analyser waits for a batch to fill once it holds one frame.</summary>
    public int MaxBatchWaitMs { get; set; } = 10;
}

public sealed class NativeOptions
{
    /// <summary>A folder holding libmonitoring_cvshim.so, searched first (ONNX Runtime comes with its NuGet package).</summary>
    public string? LibraryDir { get; set; }
}

public sealed class PipelineOptions
{
    /// <summary>Frames a camera may queue for analysis; live sources drop the oldest beyond it.</summary>
    public int QueueCapacity { get; set; } = 4;
    /// <summary>Live frames older than this when the analyser reaches them are dropped (counted).</summary>
    public int MaxFrameAgeMs { get; set; } = 2000;
    /// <summary>At stop, how long undelivered webhook messages may keep the process (they stay in the outbox either way).</summary>
    public double DrainSeconds { get; set; } = 10;
}

public sealed class CaptureOptions
{
    public int OpenTimeoutMs { get; set; } = 10_000;
    public int ReadTimeoutMs { get; set; } = 10_000;
    /// <summary>No frame for this long on a live source: the watchdog restarts it.</summary>
    public double WatchdogSeconds { get; set; } = 10;
    public int BackoffInitialMs { get; set; } = 500;
    public int BackoffMaxMs { get; set; } = 30_000;
}

public sealed class CameraOptions
{
    public string Id { get; set; } = "";
    /// <summary>Video file, image sequence (dir/%03d.jpg), rtsp://…, /dev/videoN or a camera index. ${ENV} references allowed.</summary>
    public string Url { get; set; } = "";
    /// <summary>The source's frame rate when it reports none or a wrong one (image sequences); 0 = as reported.</summary>
    public double Fps { get; set; }
    /// <summary>Files only: start again at the end.</summary>
    public bool Loop { get; set; }
    /// <summary>Frames per second analysed; 0 = every decoded frame. Decoding still reads every frame.</summary>
    public double AnalysisFps { get; set; } = 10;
    /// <summary>Files only: pace reading at the file's frame rate, as a live camera would deliver it.</summary>
    public bool Realtime { get; set; }
    /// <summary>
    /// Files only, with <see cref="Realtime"/>: buffer the paced file as a live camera does — drop the oldest queued
    /// frame when analysis falls behind and drop frames older than pipeline.maxFrameAgeMs (both counted) instead of
    /// waiting. For rehearsals and <c>monitoring bench</c>: a file that stands in for a camera without holding it up.
    /// </summary>
    public bool TreatAsLive { get; set; }
    /// <summary>The camera's normality profile (written by `monitoring learn`).</summary>
    public string? Profile { get; set; }
    /// <summary>When the profile file is missing: learn it from this many analysed frames first, then save it. 0 = refuse to start.</summary>
    public int AutoLearnFrames { get; set; }
    /// <summary>
    /// Alerting frames per normal frame that learning derives the camera's region threshold for (the share of the
    /// learned footage's held-out frames allowed a cell above it; decision 0014). Stored in the profile.
    /// </summary>
    public double FalseAlarmRate { get; set; } = DefaultFalseAlarmRate;
    /// <summary>Alerting frames per normal frame the threshold is derived for unless the camera says otherwise.</summary>
    public const double DefaultFalseAlarmRate = 0.001;
    /// <summary>
    /// Steps of fine-tuning the model's predictor on the camera's learned frames (decision 0021): `monitoring learn`'s default
    /// for this camera, and what a camera learning by itself (autoLearnFrames) does after its first profile, in the
    /// background. 0 keeps the model's own predictor.
    /// </summary>
    public int TuneSteps { get; set; } = Tuning.TuningOptions.DefaultSteps;
    public bool Enabled { get; set; } = true;
}

public sealed class LoggingOptions
{
    /// <summary>Verbose | Debug | Information | Warning | Error.</summary>
    public string Level { get; set; } = "Information";
    /// <summary>Rolling log file (daily); null for console only.</summary>
    public string? File { get; set; }
    public int RetainedFiles { get; set; } = 14;
}

public sealed class HttpOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Where /healthz, /readyz and /metrics listen. Loopback by default.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:9464";
}
