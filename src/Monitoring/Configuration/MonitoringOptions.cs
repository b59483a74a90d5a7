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

    public void Validate(ValidationErrors errors)
    {
        Model.Validate(errors, "model", this);
        Pipeline.Validate(errors, "pipeline");
        Capture.Validate(errors, "capture");
        Logging.Validate(errors, "logging");
        Http.Validate(errors, "http");
        Dashboard.Validate(errors, "dashboard");
        errors.AddRange(Alerts.Validate("alerts"));
        foreach (var id in Alerts.Cameras.Keys.Where(id => Cameras.All(c => c.Id != id)))
            errors.Add($"alerts.cameras.{id}", $"names camera '{id}', which is not in cameras[]; fix the id or remove the entry");
        if (Cameras.Count == 0)
            errors.Add("cameras", "no camera is configured; add at least one { \"id\": ..., \"url\": ... }");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Cameras.Count; i++)
        {
            var path = $"cameras[{i}]";
            Cameras[i].Validate(errors, path);
            if (!string.IsNullOrEmpty(Cameras[i].Id) && !seen.Add(Cameras[i].Id))
                errors.Add($"{path}.id", $"camera id '{Cameras[i].Id}' is used twice; ids must be unique");
        }
    }
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

    public void Validate(ValidationErrors e, string path, MonitoringOptions root)
    {
        if (string.IsNullOrWhiteSpace(Path)) e.Add($"{path}.path", "is empty; set it to the ONNX model file, e.g. \"../models/anomaly.onnx\"");
        else if (!File.Exists(root.ResolvePath(Path)))
            e.Add($"{path}.path", $"model file '{root.ResolvePath(Path)}' does not exist; point it at models/anomaly.onnx (relative paths are relative to the config file)");
        if (Provider.Trim().ToLowerInvariant() is not ("auto" or "cpu" or "cuda" or "gpu"))
            e.Add($"{path}.provider", $"'{Provider}' is not a provider; use \"auto\", \"cpu\" or \"cuda\"");
        if (IntraOpThreads < 0) e.Add($"{path}.intraOpThreads", "must be >= 0 (0 = one per core)");
        if (MaxBatchSize is < 1 or > 256) e.Add($"{path}.maxBatchSize", $"{MaxBatchSize} is out of range; use 1..256");
        if (MaxBatchWaitMs is < 0 or > 1000) e.Add($"{path}.maxBatchWaitMs", $"{MaxBatchWaitMs} is out of range; use 0..1000");
    }
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

    public void Validate(ValidationErrors e, string path)
    {
        if (QueueCapacity is < 1 or > 1024) e.Add($"{path}.queueCapacity", $"{QueueCapacity} is out of range; use 1..1024");
        if (MaxFrameAgeMs < 0) e.Add($"{path}.maxFrameAgeMs", "must be >= 0 (0 = no limit)");
        if (DrainSeconds is < 0 or > 600) e.Add($"{path}.drainSeconds", $"{DrainSeconds} is out of range; use 0..600");
    }
}

public sealed class CaptureOptions
{
    public int OpenTimeoutMs { get; set; } = 10_000;
    public int ReadTimeoutMs { get; set; } = 10_000;
    /// <summary>No frame for this long on a live source: the watchdog restarts it.</summary>
    public double WatchdogSeconds { get; set; } = 10;
    public int BackoffInitialMs { get; set; } = 500;
    public int BackoffMaxMs { get; set; } = 30_000;

    public void Validate(ValidationErrors e, string path)
    {
        if (OpenTimeoutMs < 100) e.Add($"{path}.openTimeoutMs", "must be >= 100");
        if (ReadTimeoutMs < 100) e.Add($"{path}.readTimeoutMs", "must be >= 100");
        if (WatchdogSeconds < 0.5) e.Add($"{path}.watchdogSeconds", "must be >= 0.5");
        if (BackoffInitialMs < 10) e.Add($"{path}.backoffInitialMs", "must be >= 10");
        if (BackoffMaxMs < BackoffInitialMs) e.Add($"{path}.backoffMaxMs", "must be >= backoffInitialMs");
    }
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
    public bool Enabled { get; set; } = true;

    public void Validate(ValidationErrors e, string path)
    {
        if (string.IsNullOrWhiteSpace(Id)) e.Add($"{path}.id", "is empty; give the camera a unique id such as \"gate\"");
        else if (Id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            e.Add($"{path}.id", $"'{Id}' may hold only letters, digits, '-', '_' and '.'");
        if (string.IsNullOrWhiteSpace(Url)) e.Add($"{path}.url", "is empty; set a video file, image sequence (dir/%03d.jpg), rtsp:// URL or /dev/videoN");
        if (AnalysisFps < 0 || AnalysisFps > 120) e.Add($"{path}.analysisFps", $"{AnalysisFps} is out of range; use 0..120 (0 = every frame)");
        if (Fps is < 0 or > 1000) e.Add($"{path}.fps", $"{Fps} is out of range; use 0 (as the source reports) .. 1000");
        if (AutoLearnFrames < 0) e.Add($"{path}.autoLearnFrames", "must be >= 0");
        if (!(FalseAlarmRate is > 0 and <= 0.5))
            e.Add($"{path}.falseAlarmRate", $"{FalseAlarmRate} is out of range; use a share of normal frames in (0, 0.5], e.g. 0.001 (one alerting frame per 1,000)");
        if (TreatAsLive && !Realtime)
            e.Add($"{path}.treatAsLive", "needs \"realtime\": true (an unpaced file read as live would drop almost every frame)");
        if (string.IsNullOrWhiteSpace(Profile) && AutoLearnFrames == 0)
            e.Add($"{path}.profile", "is not set and autoLearnFrames is 0: run `monitoring learn` for this camera and set \"profile\", or set \"autoLearnFrames\"");
    }
}

public sealed class LoggingOptions
{
    /// <summary>Verbose | Debug | Information | Warning | Error.</summary>
    public string Level { get; set; } = "Information";
    /// <summary>Rolling log file (daily); null for console only.</summary>
    public string? File { get; set; }
    public int RetainedFiles { get; set; } = 14;

    public void Validate(ValidationErrors e, string path)
    {
        if (!Enum.TryParse<Serilog.Events.LogEventLevel>(Level, true, out _))
            e.Add($"{path}.level", $"'{Level}' is not a level; use Verbose, Debug, Information, Warning or Error");
        if (RetainedFiles < 1) e.Add($"{path}.retainedFiles", "must be >= 1");
    }
}

public sealed class HttpOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>Where /healthz, /readyz and /metrics listen. Loopback by default.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:9464";

    public void Validate(ValidationErrors e, string path)
    {
        if (!Enabled) return;
        foreach (var u in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                e.Add($"{path}.urls", $"'{u}' is not an http URL such as http://127.0.0.1:9464");
    }
}
