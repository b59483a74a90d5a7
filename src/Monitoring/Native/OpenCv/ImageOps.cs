namespace Monitoring.Native.OpenCv;

/// <summary>Pre-processing on caller buffers. Safe to call from any thread.</summary>
public static class ImageOps
{
    /// <summary>
    /// Writes <paramref name="src"/> into <paramref name="dst"/> at another size and/or format:
    /// INTER_AREA when shrinking, INTER_LINEAR when enlarging, a plain copy or colour conversion when
    /// the size is equal. Buffers may be larger than the image (pooled); only the first bytes are used.
    /// </summary>
    public static unsafe void Resize(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, PixelFormat srcFormat,
        Span<byte> dst, int dstWidth, int dstHeight, PixelFormat dstFormat)
    {
        var srcBytes = ImageChecks.Buffer(src.Length, srcWidth, srcHeight, srcFormat, nameof(src));
        var dstBytes = ImageChecks.Buffer(dst.Length, dstWidth, dstHeight, dstFormat, nameof(dst));
        int status;
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            if (s + srcBytes > d && d + dstBytes > s)
                throw new ArgumentException("The source and destination buffers overlap.", nameof(dst));
            status = NativeMethods.cvs_resize(s, srcBytes, srcWidth, srcHeight, (int)srcFormat, d, dstBytes, dstWidth,
                dstHeight, (int)dstFormat);
        }
        NativeMethods.Check(status, "Resize");
    }

    /// <summary>
    /// How far the moving parts of a scene moved from <paramref name="previous"/> to <paramref name="current"/>, two Gray8
    /// images of <paramref name="width"/> × <paramref name="height"/>: the <paramref name="quantile"/> (0..1) of the dense
    /// optical flow's displacement (OpenCV's Farneback, pixels) over the pixels that changed (5×5 box mean of the
    /// absolute difference above <paramref name="minChange"/>, 0..1 of full scale), and how many pixels changed (0: the
    /// displacement is 0).
    /// </summary>
    public static unsafe (float Displacement, int MovingPixels) MotionMeasure(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> current, int width,
        int height, double minChange, double quantile)
    {
        var bytes = ImageChecks.Buffer(previous.Length, width, height, PixelFormat.Gray8, nameof(previous));
        ImageChecks.Buffer(current.Length, width, height, PixelFormat.Gray8, nameof(current));
        int status, moving;
        float value;
        fixed (byte* a = previous)
        fixed (byte* b = current)
            status = NativeMethods.cvs_motion_measure(a, b, bytes, width, height, minChange, quantile, out value, out moving);
        NativeMethods.Check(status, "MotionMeasure");
        return (value, moving);
    }
}
