using System.Buffers.Binary;
using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.TestSupport;

/// <summary>Checks on the PNG plots that eval and the soak write: format, size, and what was drawn where.</summary>
internal static class PlotImages
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The file is a PNG of <paramref name="width"/> × <paramref name="height"/> (its header and a full decode agree).</summary>
    public static DecodedImage Load(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(Signature), $"{path} is not a PNG");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        var image = ImageCodec.Decode(bytes);
        Assert.Equal((width, height), (image.Width, image.Height));
        return image;
    }

    /// <summary>Pixels inside the rectangle (x0, y0)–(x1, y1), exclusive, whose (B, G, R) match.</summary>
    public static int Count(DecodedImage image, Func<byte, byte, byte, bool> match, int x0 = 0, int y0 = 0, int x1 = int.MaxValue, int y1 = int.MaxValue)
    {
        var n = 0;
        for (var y = Math.Max(0, y0); y < Math.Min(image.Height, y1); y++)
            for (var x = Math.Max(0, x0); x < Math.Min(image.Width, x1); x++)
            {
                var i = 3 * (y * image.Width + x);
                if (match(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2])) n++;
            }
        return n;
    }

    /// <summary>Close to the colour (r, g, b): each channel within <paramref name="tolerance"/>.</summary>
    public static Func<byte, byte, byte, bool> Near(int r, int g, int b, int tolerance = 40) =>
        (bb, gg, rr) => Math.Abs(rr - r) <= tolerance && Math.Abs(gg - g) <= tolerance && Math.Abs(bb - b) <= tolerance;

    /// <summary>Text and axis ink: dark grey to black.</summary>
    public static bool Dark(byte b, byte g, byte r) => r < 90 && g < 90 && b < 90;
}
