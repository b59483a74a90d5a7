using Microsoft.ML.OnnxRuntime;

namespace Monitoring.Inference;

/// <summary>
/// Process-wide facts about the ONNX Runtime the NuGet package <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c> ships, and
/// its one environment, created here with our own log callback: ORT's messages (warning and worse) do not go to
/// stderr as ORT's coloured lines but through <see cref="Capture"/> (while a session loads, so its failure can quote
/// ORT's reason) or, otherwise, as plain <c>onnxruntime: …</c> lines on stderr.
/// </summary>
public static class OnnxRuntimeInfo
{
    /// <summary>The package's CUDA execution provider library (it needs CUDA 13 and cuDNN 9 at run time).</summary>
    public const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    private static readonly DOrtLoggingFunction LogCallback = OnLog;   // kept alive for the process: ORT holds a pointer
    private static readonly Lazy<OrtEnv> EnvInstance = new(() =>
    {
        var options = new EnvironmentCreationOptions
        {
            logId = "monitoring",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = LogCallback,
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    });

    [ThreadStatic] private static List<string>? _captured;

    /// <summary>The process's ORT environment (made on first use, before any session).</summary>
    internal static OrtEnv Env => EnvInstance.Value;

    /// <summary>ONNX Runtime's version string ("1.32.0").</summary>
    public static string Version => Env.GetVersionString();

    /// <summary>
    /// Execution providers this build knows of (e.g. "CPUExecutionProvider", "CUDAExecutionProvider"). A listed
    /// provider may still fail to load when CUDA, cuDNN or the driver are missing.
    /// </summary>
    public static IReadOnlyList<string> AvailableProviders => Env.GetAvailableProviders();

    /// <summary>The folder the package's native libraries are copied to (runtimes/linux-x64/native beside the app).</summary>
    public static string NativeDirectory => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    /// <summary>Collects, on this thread and until disposed, what ORT logs instead of printing it.</summary>
    internal static LogCapture Capture()
    {
        _ = Env;
        var previous = _captured;
        _captured = [];
        return new LogCapture(_captured, previous);
    }

    internal sealed class LogCapture(List<string> messages, List<string>? previous) : IDisposable
    {
        public IReadOnlyList<string> Messages => messages;

        public void Dispose() => _captured = previous;
    }

    private static void OnLog(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        var text = Trim(message);
        if (_captured is { } list)
        {
            list.Add(text);
            return;
        }
        Console.Error.WriteLine($"onnxruntime {severity.ToString().Replace("ORT_LOGGING_LEVEL_", "", StringComparison.Ordinal).ToLowerInvariant()}: {text}");
    }

    /// <summary>ORT's messages often start with a source location and "[ONNXRuntimeError] : 1 : FAIL : ": keep what follows.</summary>
    private static string Trim(string message)
    {
        var at = message.LastIndexOf(" : ", StringComparison.Ordinal);
        return at >= 0 && message.Contains("[ONNXRuntimeError]", StringComparison.Ordinal) ? message[(at + 3)..].Trim() : message.Trim();
    }
}
