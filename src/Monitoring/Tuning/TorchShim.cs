using System.Runtime.InteropServices;
using Monitoring.Native;

namespace Monitoring.Tuning;

/// <summary>
/// The P/Invoke declarations of our libtorch shim (src/native/torchshim/torchshim.cpp): predictor tuning and prediction on
/// the CPU with Debian 12's libtorch 1.13 (decision 0021). Functions return 0 on success; 1 = error, the message in
/// <see cref="LastError"/> for the calling thread.
/// </summary>
internal static unsafe partial class TorchShim
{
    private const string Lib = NativeLibraries.TorchShimImportName;

    static TorchShim() => NativeLibraries.InstallResolver();

    public static string LastError() => Marshal.PtrToStringUTF8(mts_last_error()) ?? "";

    [LibraryImport(Lib)] private static partial nint mts_last_error();
    [LibraryImport(Lib)] private static partial nint mts_torch_version();
    [LibraryImport(Lib)] public static partial int mts_layer_count();

    public static string TorchVersion() => Marshal.PtrToStringUTF8(mts_torch_version()) ?? "";

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int Progress(int step, double loss);

    [LibraryImport(Lib)]
    public static partial int mts_tune(float* weights, long* shapes, long weightCount, float* output,
        byte* frames, int* runLengths, int runs, int h, int w, int t, int stride,
        int steps, double lr, int batch, int cropH, int cropW, uint seed, int threads, nint progress, int reportEvery);

    [LibraryImport(Lib)]
    public static partial int mts_predict(float* weights, long* shapes, float* windows, int n, int t, int h, int w, float* output, int threads);
}
