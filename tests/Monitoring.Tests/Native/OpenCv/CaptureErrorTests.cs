using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

/// <summary>Sources that do not exist or do not decode give clear errors, never a crash.</summary>
public sealed class CaptureErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-cap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_missing_file_names_the_path_and_what_to_check()
    {
        var path = Path.Combine(_dir, "no-such-clip.mp4");
        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open(path));
        Assert.Equal(OpenCvStatus.NotFound, e.Status);
        Assert.Contains(path, e.Message);
        Assert.Contains("check the path", e.Message);
        Assert.Equal(path, e.MaskedUri);
    }

    [Fact]
    public void A_folder_is_not_a_video()
    {
        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open(_dir));
        Assert.Equal(OpenCvStatus.OpenFailed, e.Status);
        Assert.Contains("folder", e.Message);
    }

    [Fact]
    public void Random_bytes_named_avi_are_refused_clearly()
    {
        var path = Path.Combine(_dir, "garbage.avi");
        var bytes = new byte[256 * 1024];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open(path));
        Assert.Equal(OpenCvStatus.OpenFailed, e.Status);
        Assert.Contains(path, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void A_truncated_clip_reads_what_is_there_then_ends_or_fails_cleanly()
    {
        var source = TestPaths.RequireVTest();
        var path = Path.Combine(_dir, "truncated.avi");
        var all = File.ReadAllBytes(source);
        File.WriteAllBytes(path, all.AsSpan(0, all.Length / 3).ToArray());

        using var cap = VideoCapture.Open(path);
        var gray = new byte[cap.Width * cap.Height];
        var frames = 0;
        try
        {
            while (cap.Read(gray, cap.Width, cap.Height, PixelFormat.Gray8) == FrameStatus.Ok) frames++;
        }
        catch (CaptureException e)
        {
            Assert.Equal(OpenCvStatus.ReadFailed, e.Status);
        }
        // About a third of the clip is there; the reader stops without crashing.
        Assert.InRange(frames, 100, 794);
    }

    [Fact]
    public void A_nonexistent_v4l2_device_is_a_clear_error()
    {
        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open("/dev/video9"));
        Assert.Equal(OpenCvStatus.NotFound, e.Status);
        Assert.Contains("/dev/video9", e.Message);
        Assert.Contains("camera connected", e.Message);

        var viaScheme = Assert.Throws<CaptureException>(() => VideoCapture.Open("v4l2:///dev/video9"));
        Assert.Equal(OpenCvStatus.NotFound, viaScheme.Status);

        var byIndex = Assert.Throws<CaptureException>(() => VideoCapture.Open("9"));
        Assert.Equal(OpenCvStatus.NotFound, byIndex.Status);
        Assert.Contains("/dev/video9", byIndex.Message);
    }

    [Fact]
    public void An_unreachable_rtsp_camera_fails_within_the_timeout_and_never_shows_its_password()
    {
        // Port 1 on loopback: connection refused at once.
        const string uri = "rtsp://admin:s3cret@127.0.0.1:1/stream1?password=s3cret";
        var started = DateTime.UtcNow;
        var e = Assert.Throws<CaptureException>(() =>
            VideoCapture.Open(uri, new CaptureOpenOptions { OpenTimeoutMs = 3000, ReadTimeoutMs = 3000 }));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
        Assert.Equal(OpenCvStatus.OpenFailed, e.Status);
        Assert.DoesNotContain("s3cret", e.Message);
        Assert.DoesNotContain("s3cret", e.MaskedUri);
        Assert.Contains("rtsp://***:***@127.0.0.1:1/stream1", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_uri_is_an_argument_error(string uri)
    {
        Assert.ThrowsAny<ArgumentException>(() => VideoCapture.Open(uri));
    }

    [Fact]
    public void Negative_timeouts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            VideoCapture.Open(TestPaths.VTestAvi, new CaptureOpenOptions { OpenTimeoutMs = -1 }));
    }
}
