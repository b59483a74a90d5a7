using Microsoft.ML.OnnxRuntime;

namespace Monitoring.Inference;

/// <summary>Process-wide facts about the ONNX Runtime the NuGet package <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c> ships.</summary>
public static class OnnxRuntimeInfo
{
    /// <summary>The package's CUDA execution provider library (it needs CUDA 13 and cuDNN 9 at run time).</summary>
    public const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>ONNX Runtime's version string ("1.32.0").</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Execution providers this build knows of (e.g. "CPUExecutionProvider", "CUDAExecutionProvider"). A listed
    /// provider may still fail to load when CUDA, cuDNN or the driver are missing.
    /// </summary>
    public static IReadOnlyList<string> AvailableProviders => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>The folder the package's native libraries are copied to (runtimes/linux-x64/native beside the app).</summary>
    public static string NativeDirectory => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
}
