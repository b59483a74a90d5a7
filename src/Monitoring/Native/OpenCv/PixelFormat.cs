namespace Monitoring.Native.OpenCv;

/// <summary>Pixel layouts of the buffers exchanged with the shim; rows are tightly packed.</summary>
public enum PixelFormat
{
    /// <summary>8-bit grey, one byte per pixel.</summary>
    Gray8 = 0,
    /// <summary>8-bit blue, green, red: three bytes per pixel.</summary>
    Bgr24 = 1,
}

public static class PixelFormatExtensions
{
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Bgr24 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    /// <summary>The byte count of a tightly packed <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public static int ImageBytes(this PixelFormat format, int width, int height)
    {
        ImageChecks.Size(width, height);
        return checked(width * height * format.BytesPerPixel());
    }
}
