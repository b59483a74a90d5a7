namespace Monitoring.Native.OpenCv;

/// <summary>A decoded image: tightly packed pixels in <see cref="Format"/>.</summary>
public sealed record DecodedImage(byte[] Pixels, int Width, int Height, PixelFormat Format);

/// <summary>JPEG encoding (snapshots) and image decoding through OpenCV. Safe to call from any thread.</summary>
public static class ImageCodec
{
    /// <summary>Encodes a tightly packed BGR image as JPEG.</summary>
    /// <param name="quality">1 (smallest) to 100 (best).</param>
    public static unsafe byte[] EncodeJpeg(ReadOnlySpan<byte> bgr, int width, int height, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var bytes = ImageChecks.Buffer(bgr.Length, width, height, PixelFormat.Bgr24, nameof(bgr));
        nint buffer = 0;
        try
        {
            int status;
            byte* data;
            long length;
            fixed (byte* p = bgr)
                status = NativeMethods.cvs_jpeg_encode(p, bytes, width, height, quality, out buffer, out data, out length);
            NativeMethods.Check(status, "JPEG encoding");
            return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
        }
        finally
        {
            if (buffer != 0) NativeMethods.cvs_buffer_free(buffer);
        }
    }

    /// <summary>Decodes an encoded image (JPEG, PNG, BMP, ...) into <paramref name="format"/>.</summary>
    /// <exception cref="OpenCvException">The data is not an image OpenCV can decode.</exception>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, PixelFormat format = PixelFormat.Bgr24)
    {
        if (encoded.IsEmpty) throw new ArgumentException("There are no bytes to decode.", nameof(encoded));
        _ = format.BytesPerPixel();
        nint buffer = 0;
        try
        {
            int status, width, height;
            byte* data;
            fixed (byte* p = encoded)
                status = NativeMethods.cvs_image_decode(p, encoded.Length, (int)format, out buffer, out data, out width,
                    out height);
            NativeMethods.Check(status, "Image decoding");
            var pixels = new ReadOnlySpan<byte>(data, format.ImageBytes(width, height)).ToArray();
            return new DecodedImage(pixels, width, height, format);
        }
        finally
        {
            if (buffer != 0) NativeMethods.cvs_buffer_free(buffer);
        }
    }
}
