using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

public sealed class ImageOpsTests
{
    [Fact]
    public void Same_size_same_format_is_a_copy()
    {
        var src = new byte[30 * 20 * 3];
        new Random(3).NextBytes(src);
        var dst = new byte[src.Length];
        ImageOps.Resize(src, 30, 20, PixelFormat.Bgr24, dst, 30, 20, PixelFormat.Bgr24);
        Assert.Equal(src, dst);
    }

    [Fact]
    public void Grey_to_bgr_repeats_the_value_in_every_channel()
    {
        var src = new byte[16 * 8];
        for (var i = 0; i < src.Length; i++) src[i] = (byte)i;
        var dst = new byte[16 * 8 * 3];
        ImageOps.Resize(src, 16, 8, PixelFormat.Gray8, dst, 16, 8, PixelFormat.Bgr24);
        for (var i = 0; i < src.Length; i++)
            Assert.Equal((src[i], src[i], src[i]), (dst[3 * i], dst[3 * i + 1], dst[3 * i + 2]));
    }

    [Fact]
    public void Shrinking_averages_areas_and_enlarging_interpolates()
    {
        // A 4×2 grey image of two 2×2 blocks (0 and 200) halves to exactly 0 and 200 with INTER_AREA.
        byte[] src = [0, 0, 200, 200, 0, 0, 200, 200];
        var half = new byte[2];
        ImageOps.Resize(src, 4, 2, PixelFormat.Gray8, half, 2, 1, PixelFormat.Gray8);
        Assert.Equal(new byte[] { 0, 200 }, half);

        // 2×1 -> 8×1 bilinear: monotonic ramp from 0 to 200.
        var wide = new byte[8];
        ImageOps.Resize(half, 2, 1, PixelFormat.Gray8, wide, 8, 1, PixelFormat.Gray8);
        Assert.Equal(0, wide[0]);
        Assert.Equal(200, wide[7]);
        for (var i = 1; i < 8; i++) Assert.True(wide[i] >= wide[i - 1]);
        Assert.Contains(wide, b => b is > 0 and < 200);
    }

    [Fact]
    public void A_non_integer_shrink_keeps_geometry_and_levels()
    {
        // Horizontal ramp, value = x / 3, shrunk 768x576 -> 360x240 (ratio 2.133, the two-stage path):
        // every output pixel is about the mean of its source footprint.
        const int sw = 768, sh = 576, dw = 360, dh = 240;
        var src = new byte[sw * sh];
        for (var y = 0; y < sh; y++)
        for (var x = 0; x < sw; x++)
            src[y * sw + x] = (byte)(x / 3);
        var dst = new byte[dw * dh];
        ImageOps.Resize(src, sw, sh, PixelFormat.Gray8, dst, dw, dh, PixelFormat.Gray8);
        for (var y = 0; y < dh; y += 37)
        for (var x = 0; x < dw; x++)
        {
            var centre = (x + 0.5) * sw / dw - 0.5;
            Assert.InRange(dst[y * dw + x], centre / 3 - 1.5, centre / 3 + 1.5);
        }
    }

    [Fact]
    public void Bgr_to_smaller_grey()
    {
        var src = Pixels.Solid(64, 48, new BgrColor(10, 200, 50));
        var dst = new byte[16 * 12];
        ImageOps.Resize(src, 64, 48, PixelFormat.Bgr24, dst, 16, 12, PixelFormat.Gray8);
        var expected = (byte)Math.Round(0.114 * 10 + 0.587 * 200 + 0.299 * 50);
        Assert.All(dst, b => Assert.InRange(b, expected - 1, expected + 1));
    }

    [Fact]
    public void Buffer_sizes_are_checked_with_expected_and_actual_counts()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ImageOps.Resize(new byte[10], 4, 4, PixelFormat.Gray8, new byte[48], 4, 4, PixelFormat.Bgr24));
        Assert.Equal("src", e.ParamName);
        Assert.Contains("16 bytes", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            ImageOps.Resize(new byte[16], 4, 4, PixelFormat.Gray8, new byte[47], 4, 4, PixelFormat.Bgr24));
        Assert.Equal("dst", e.ParamName);
        Assert.Contains("48 bytes", e.Message);
        Assert.Contains("47", e.Message);
    }

    [Fact]
    public void Overlapping_buffers_are_refused()
    {
        var buf = new byte[100];
        Assert.Throws<ArgumentException>(() =>
            ImageOps.Resize(buf.AsSpan(0, 64), 8, 8, PixelFormat.Gray8, buf.AsSpan(10, 16), 4, 4, PixelFormat.Gray8));
    }

    [Fact]
    public void Pixel_format_sizes()
    {
        Assert.Equal(1, PixelFormat.Gray8.BytesPerPixel());
        Assert.Equal(3, PixelFormat.Bgr24.BytesPerPixel());
        Assert.Equal(768 * 576 * 3, PixelFormat.Bgr24.ImageBytes(768, 576));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((PixelFormat)7).BytesPerPixel());
    }

    [Fact]
    public void OpenCv_version_is_the_one_built_against()
    {
        Assert.StartsWith("4.", OpenCvRuntime.Version);
    }
}
