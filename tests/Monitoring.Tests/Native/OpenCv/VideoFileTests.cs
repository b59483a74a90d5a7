using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

/// <summary>Decoding OpenCV's real sample clip vtest.avi (768×576, 795 frames, 10 fps, pedestrians).</summary>
public sealed class VideoFileTests
{
    private const int W = 768, H = 576, Frames = 795;

    [Fact]
    public void Open_reports_the_clip_properties()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        Assert.Equal(W, cap.Width);
        Assert.Equal(H, cap.Height);
        Assert.Equal(10.0, cap.Fps, 3);
        Assert.InRange(cap.FrameCount, Frames - 1, Frames + 1);
        Assert.Equal(0, cap.Position);
        Assert.False(cap.IsLive);
        Assert.Equal("FFMPEG", cap.Backend);
        Assert.Equal(TestPaths.VTestAvi, cap.MaskedUri);
    }

    [Fact]
    public void Reads_every_frame_to_the_end()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        var gray = new byte[W * H];
        var count = 0;
        while (cap.Read(gray, W, H, PixelFormat.Gray8) == FrameStatus.Ok) count++;
        Assert.InRange(count, cap.FrameCount - 1, cap.FrameCount + 1);
        Assert.Equal(count, cap.Position);
        // The end stays the end.
        Assert.Equal(FrameStatus.EndOfStream, cap.Read(gray, W, H, PixelFormat.Gray8));
        Assert.False(cap.Grab());
    }

    [Fact]
    public void Frames_hold_plausible_pixels_and_grey_matches_bgr()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        var bgr = new byte[W * H * 3];
        var gray = new byte[W * H];
        for (var i = 0; i < 5; i++) Assert.Equal(FrameStatus.Ok, cap.Read(bgr, W, H, PixelFormat.Bgr24));
        cap.RetrieveLast(gray, W, H, PixelFormat.Gray8);

        Assert.Contains(bgr, b => b != 0);
        Assert.InRange(Pixels.Mean(bgr), 40, 220);
        Assert.True(Pixels.StdDev(gray) > 10, "a real street scene has contrast");
        // OpenCV's BGR->grey is BT.601 in fixed point: allow rounding.
        Assert.True(Pixels.MeanAbsDiff(gray, Pixels.ToGray(bgr, W, H)) < 1.0);
        // A colour frame: the channels are not copies of one another.
        Assert.True(ChannelDifference(bgr) > 1.0);
    }

    [Fact]
    public void Reads_into_a_smaller_buffer_like_an_area_resize_of_the_full_frame()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        const int w = 192, h = 144;
        var small = new byte[w * h];
        Assert.Equal(FrameStatus.Ok, cap.Read(small, w, h, PixelFormat.Gray8));

        var full = new byte[W * H];
        cap.RetrieveLast(full, W, H, PixelFormat.Gray8);
        var resized = new byte[w * h];
        ImageOps.Resize(full, W, H, PixelFormat.Gray8, resized, w, h, PixelFormat.Gray8);

        Assert.Equal(resized, small);
        Assert.InRange(Math.Abs(Pixels.Mean(small) - Pixels.Mean(full)), 0, 1.0);
    }

    [Fact]
    public void RetrieveLast_gives_the_same_frame_at_several_sizes_without_advancing()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        var small = new byte[360 * 240];
        Assert.Equal(FrameStatus.Ok, cap.Read(small, 360, 240, PixelFormat.Gray8));
        var again = new byte[360 * 240];
        cap.RetrieveLast(again, 360, 240, PixelFormat.Gray8);
        var full = new byte[W * H * 3];
        cap.RetrieveLast(full, W, H, PixelFormat.Bgr24);
        Assert.Equal(small, again);
        Assert.Equal(1, cap.Position);
        var enlarged = new byte[1000 * 800 * 3];
        cap.RetrieveLast(enlarged, 1000, 800, PixelFormat.Bgr24);
        Assert.InRange(Math.Abs(Pixels.Mean(enlarged) - Pixels.Mean(full)), 0, 1.0);
    }

    [Fact]
    public void Grab_skips_frames_and_the_next_read_is_the_following_frame()
    {
        var path = TestPaths.RequireVTest();
        using var skipping = VideoCapture.Open(path);
        for (var i = 0; i < 10; i++) Assert.True(skipping.Grab());
        Assert.Equal(10, skipping.Position);
        var afterSkip = new byte[W * H];
        Assert.Equal(FrameStatus.Ok, skipping.Read(afterSkip, W, H, PixelFormat.Gray8));
        Assert.Equal(11, skipping.Position);

        using var reading = VideoCapture.Open(path);
        var frame = new byte[W * H];
        byte[]? frame9 = null;
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(FrameStatus.Ok, reading.Read(frame, W, H, PixelFormat.Gray8));
            if (i == 9) frame9 = (byte[])frame.Clone();
        }
        Assert.Equal(frame, afterSkip);
        Assert.NotEqual(frame9, afterSkip); // the clip moves: frame 10 differs from frame 9
    }

    [Fact]
    public void Grab_then_Retrieve_decodes_the_grabbed_frame()
    {
        var path = TestPaths.RequireVTest();
        using var a = VideoCapture.Open(path);
        using var b = VideoCapture.Open(path);
        var viaRead = new byte[W * H];
        var viaGrab = new byte[W * H];
        Assert.Equal(FrameStatus.Ok, a.Read(viaRead, W, H, PixelFormat.Gray8));
        Assert.True(b.Grab());
        b.Retrieve(viaGrab, W, H, PixelFormat.Gray8);
        Assert.Equal(viaRead, viaGrab);
    }

    [Fact]
    public void RetrieveLast_before_any_read_is_a_clear_error()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        var e = Assert.Throws<CaptureException>(() => cap.RetrieveLast(new byte[W * H], W, H, PixelFormat.Gray8));
        Assert.Equal(OpenCvStatus.NoFrame, e.Status);
        Assert.Contains("no frame has been decoded", e.Message);
    }

    [Fact]
    public void A_too_small_buffer_is_rejected_naming_both_sizes_and_a_larger_one_is_accepted()
    {
        using var cap = VideoCapture.Open(TestPaths.RequireVTest());
        var e = Assert.Throws<ArgumentException>(() => cap.Read(new byte[100], 64, 48, PixelFormat.Bgr24));
        Assert.Contains("9216", e.Message);
        Assert.Contains("100", e.Message);
        Assert.Equal(0, cap.Position); // rejected before the call: nothing consumed

        var pooled = new byte[64 * 48 * 3 + 500];
        Assert.Equal(FrameStatus.Ok, cap.Read(pooled, 64, 48, PixelFormat.Bgr24));
        Assert.All(pooled[^500..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_disposed_capture_throws_ObjectDisposedException()
    {
        var cap = VideoCapture.Open(TestPaths.RequireVTest());
        cap.Dispose();
        cap.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => cap.Grab());
        Assert.Throws<ObjectDisposedException>(() => cap.Width);
    }

    /// <summary>The mean absolute difference between the blue and red channels.</summary>
    private static double ChannelDifference(ReadOnlySpan<byte> bgr)
    {
        long sum = 0;
        for (var i = 0; i < bgr.Length; i += 3) sum += Math.Abs(bgr[i] - bgr[i + 2]);
        return sum / (bgr.Length / 3.0);
    }
}
