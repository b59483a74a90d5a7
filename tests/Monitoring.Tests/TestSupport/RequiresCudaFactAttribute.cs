namespace Monitoring.Tests.TestSupport;

/// <summary>
/// A fact that runs only where an NVIDIA GPU is visible (a /dev/nvidia0 device node and libcuda.so.1 loadable);
/// elsewhere it is reported as skipped with the reason.
/// </summary>
public sealed class RequiresCudaFactAttribute : FactAttribute
{
    public RequiresCudaFactAttribute()
    {
        if (!CudaDevice.Present) Skip = $"no CUDA device here ({CudaDevice.WhyNot}); the GPU path runs where one is";
    }
}

/// <summary>Whether this machine has an NVIDIA GPU the driver exposes.</summary>
public static class CudaDevice
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        if (!File.Exists("/dev/nvidia0")) return "no /dev/nvidia0";
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad("libcuda.so.1", out var h)) return "libcuda.so.1 (the NVIDIA driver) does not load";
        System.Runtime.InteropServices.NativeLibrary.Free(h);
        return null;
    });

    public static bool Present => Reason.Value is null;

    /// <summary>Why there is none ("" when there is one).</summary>
    public static string WhyNot => Reason.Value ?? "";
}
