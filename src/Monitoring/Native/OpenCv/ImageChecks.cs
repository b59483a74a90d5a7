namespace Monitoring.Native.OpenCv;

/// <summary>Argument checks done in C# before a call crosses into the shim.</summary>
internal static class ImageChecks
{
    /// <summary>The largest width or height the shim accepts.</summary>
    public const int MaxDimension = 32768;

    public static void Size(int width, int height, string what = "image")
    {
        if (width <= 0 || height <= 0 || width > MaxDimension || height > MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(width),
                $"The {what} size {width}x{height} is invalid (each side must be 1..{MaxDimension}).");
    }

    /// <summary>
    /// Checks that a buffer of <paramref name="actual"/> bytes can hold the image; a larger buffer
    /// (from a pool) is fine, only its first bytes are used.
    /// </summary>
    public static int Buffer(int actual, int width, int height, PixelFormat format, string parameter)
    {
        Size(width, height);
        var expected = format.ImageBytes(width, height);
        if (actual < expected)
            throw new ArgumentException(
                $"A {width}x{height} {format} image needs {expected} bytes, but the buffer holds {actual}.", parameter);
        return expected;
    }
}
