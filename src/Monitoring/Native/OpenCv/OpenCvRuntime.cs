using System.Runtime.InteropServices;

namespace Monitoring.Native.OpenCv;

/// <summary>Process-wide facts and settings of the OpenCV the shim was built against.</summary>
public static class OpenCvRuntime
{
    /// <summary>OpenCV's version string, e.g. <c>4.6.0</c>.</summary>
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.cvs_opencv_version()) ?? "";

    /// <summary>
    /// The threads OpenCV's own parallel loops (resize, colour conversion) may use. Setting 1 keeps
    /// each caller on its own thread, which suits one capture task per camera on a small machine;
    /// a negative value restores OpenCV's default. Does not change FFmpeg's decoder threads.
    /// </summary>
    public static int Threads
    {
        get => NativeMethods.cvs_get_num_threads();
        set => NativeMethods.Check(NativeMethods.cvs_set_num_threads(value), "Setting OpenCV's thread count");
    }
}
