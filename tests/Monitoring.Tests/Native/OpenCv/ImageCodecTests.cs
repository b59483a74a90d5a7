using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

public sealed class ImageCodecTests
{
    /// <summary>A smooth colour gradient, which JPEG keeps well.</summary>
    private static byte[] Gradient(int w, int h)
    {
        var img = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = 3 * (y * w + x);
            img[i] = (byte)(255 * x / (w - 1));
            img[i + 1] = (byte)(255 * y / (h - 1));
            img[i + 2] = 100;
        }
        return img;
    }

    [Fact]
    public void Jpeg_encodes_and_decodes_back_to_the_same_size_and_content()
    {
        const int w = 320, h = 240;
        var img = Gradient(w, h);
        var jpeg = ImageCodec.EncodeJpeg(img, w, h, quality: 90);

        Assert.Equal(0xFF, jpeg[0]);
        Assert.Equal(0xD8, jpeg[1]); // SOI marker
        Assert.True(jpeg.Length < img.Length / 4, $"JPEG of {jpeg.Length} bytes is not compressed");

        var back = ImageCodec.Decode(jpeg);
        Assert.Equal(w, back.Width);
        Assert.Equal(h, back.Height);
        Assert.Equal(PixelFormat.Bgr24, back.Format);
        Assert.Equal(img.Length, back.Pixels.Length);
        Assert.True(Pixels.MeanAbsDiff(img, back.Pixels) < 3);

        var gray = ImageCodec.Decode(jpeg, PixelFormat.Gray8);
        Assert.Equal(w * h, gray.Pixels.Length);
        Assert.True(Pixels.MeanAbsDiff(Pixels.ToGray(img, w, h), gray.Pixels) < 3);
    }

    [Fact]
    public void Lower_quality_gives_fewer_bytes()
    {
        var img = Gradient(320, 240);
        new Random(1).NextBytes(img.AsSpan(0, 30000)); // some detail to compress
        Assert.True(ImageCodec.EncodeJpeg(img, 320, 240, 30).Length < ImageCodec.EncodeJpeg(img, 320, 240, 95).Length);
    }

    [Fact]
    public void Bad_arguments_are_refused_before_the_call()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageCodec.EncodeJpeg(new byte[10], 4, 4));
        Assert.Contains("48", e.Message);
        Assert.Contains("10", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCodec.EncodeJpeg(new byte[48], 4, 4, quality: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCodec.EncodeJpeg(new byte[48], 0, 4));
        Assert.Throws<ArgumentException>(() => ImageCodec.Decode([]));
    }

    [Fact]
    public void Decoding_garbage_is_a_codec_error()
    {
        var e = Assert.Throws<OpenCvException>(() => ImageCodec.Decode(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
        Assert.Equal(OpenCvStatus.CodecFailed, e.Status);
        Assert.Contains("not an image", e.Message);
    }
}
