using System.Runtime.InteropServices;

namespace Monitoring.Native.OpenCv;

/// <summary>
/// The P/Invoke declarations of our OpenCV shim (src/native/cvshim/cvshim.cpp). Every function
/// returns an <see cref="OpenCvStatus"/> code; on an error, <see cref="LastError"/> holds the shim's
/// message for the calling thread. Buffers are caller-owned and tightly packed.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = NativeLibraries.CvShimImportName;

    // Routes the import through NativeLibraries, so a missing shim gives NativeLibraryMissingException
    // with the install hint. Runs before the first call of any method below.
    static NativeMethods() => NativeLibraries.InstallResolver();

    /// <summary>The shim's last error message on this thread (read it right after the failed call).</summary>
    public static string LastError()
    {
        var p = cvs_last_error();
        return p == 0 ? "" : Marshal.PtrToStringUTF8(p) ?? "";
    }

    [LibraryImport(Lib)] public static partial nint cvs_opencv_version();
    [LibraryImport(Lib)] private static partial nint cvs_last_error();
    [LibraryImport(Lib)] public static partial int cvs_set_num_threads(int threads);
    [LibraryImport(Lib)] public static partial int cvs_get_num_threads();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int cvs_capture_open(string uri, int openTimeoutMs, int readTimeoutMs, out CaptureHandle handle);

    [LibraryImport(Lib)] public static partial void cvs_capture_release(nint handle);

    [LibraryImport(Lib)]
    public static partial int cvs_capture_info(CaptureHandle h, out int width, out int height, out double fps,
        out long frameCount, out int live);

    [LibraryImport(Lib)] public static partial int cvs_capture_position(CaptureHandle h, out long position);
    [LibraryImport(Lib)] public static partial int cvs_capture_backend(CaptureHandle h, byte* buf, int bufLen);
    [LibraryImport(Lib)] public static partial int cvs_capture_grab(CaptureHandle h);

    [LibraryImport(Lib)]
    public static partial int cvs_capture_read(CaptureHandle h, byte* dst, long dstLen, int width, int height, int format);

    [LibraryImport(Lib)]
    public static partial int cvs_capture_retrieve(CaptureHandle h, byte* dst, long dstLen, int width, int height, int format);

    [LibraryImport(Lib)]
    public static partial int cvs_capture_retrieve_last(CaptureHandle h, byte* dst, long dstLen, int width, int height,
        int format);

    [LibraryImport(Lib)] public static partial void cvs_buffer_free(nint buffer);

    [LibraryImport(Lib)]
    public static partial int cvs_jpeg_encode(byte* bgr, long len, int width, int height, int quality, out nint buffer,
        out byte* data, out long dataLen);

    [LibraryImport(Lib)]
    public static partial int cvs_image_decode(byte* encoded, long len, int format, out nint buffer, out byte* data,
        out int width, out int height);

    [LibraryImport(Lib)]
    public static partial int cvs_resize(byte* src, long srcLen, int srcWidth, int srcHeight, int srcFormat, byte* dst,
        long dstLen, int dstWidth, int dstHeight, int dstFormat);

    [LibraryImport(Lib)]
    public static partial int cvs_motion_measure(byte* prev, byte* cur, long len, int width, int height, double minChange, double q,
        out float value, out int moving);

    [LibraryImport(Lib)]
    public static partial int cvs_overlay_heatmap(byte* bgr, long len, int width, int height, float* heat, long heatLen,
        int heatWidth, int heatHeight, float alpha, int alphaByValue);

    [LibraryImport(Lib)]
    public static partial int cvs_draw_rectangle(byte* bgr, long len, int width, int height, int x, int y, int w, int h,
        int b, int g, int r, int thickness);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int cvs_put_text(byte* bgr, long len, int width, int height, string text, int x, int y,
        double scale, int b, int g, int r, int thickness, int bgB, int bgG, int bgR);

    /// <summary>Throws <see cref="OpenCvException"/> for an error status of a stateless helper.</summary>
    public static void Check(int status, string operation)
    {
        if (status < 0) throw new OpenCvException($"{operation} failed: {LastError()}", (OpenCvStatus)status);
    }
}
