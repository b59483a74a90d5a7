using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.TestSupport;

/// <summary>Small pixel helpers for the OpenCV tests.</summary>
internal static class Pixels
{
    public static double Mean(ReadOnlySpan<byte> pixels)
    {
        long sum = 0;
        foreach (var b in pixels) sum += b;
        return pixels.IsEmpty ? 0 : (double)sum / pixels.Length;
    }

    public static double StdDev(ReadOnlySpan<byte> pixels)
    {
        var mean = Mean(pixels);
        double acc = 0;
        foreach (var b in pixels) acc += (b - mean) * (b - mean);
        return Math.Sqrt(acc / Math.Max(1, pixels.Length));
    }

    public static double MeanAbsDiff(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        long sum = 0;
        for (var i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }

    /// <summary>A grey image of <paramref name="width"/> × <paramref name="height"/> from BGR with the BT.601 weights OpenCV uses.</summary>
    public static byte[] ToGray(ReadOnlySpan<byte> bgr, int width, int height)
    {
        var gray = new byte[width * height];
        for (var i = 0; i < gray.Length; i++)
            gray[i] = (byte)Math.Round(0.114 * bgr[3 * i] + 0.587 * bgr[3 * i + 1] + 0.299 * bgr[3 * i + 2]);
        return gray;
    }

    public static (byte B, byte G, byte R) At(ReadOnlySpan<byte> bgr, int width, int x, int y)
    {
        var i = 3 * (y * width + x);
        return (bgr[i], bgr[i + 1], bgr[i + 2]);
    }

    /// <summary>A uniform BGR image.</summary>
    public static byte[] Solid(int width, int height, BgrColor color)
    {
        var img = new byte[width * height * 3];
        for (var i = 0; i < img.Length; i += 3)
        {
            img[i] = color.B;
            img[i + 1] = color.G;
            img[i + 2] = color.R;
        }
        return img;
    }

    /// <summary>The centroid of grey pixels brighter than <paramref name="threshold"/>; null when there are none.</summary>
    public static (double X, double Y)? BrightCentroid(ReadOnlySpan<byte> gray, int width, int threshold = 200)
    {
        double sx = 0, sy = 0;
        var n = 0;
        for (var i = 0; i < gray.Length; i++)
        {
            if (gray[i] <= threshold) continue;
            sx += i % width;
            sy += i / width;
            n++;
        }
        return n == 0 ? null : (sx / n, sy / n);
    }
}
