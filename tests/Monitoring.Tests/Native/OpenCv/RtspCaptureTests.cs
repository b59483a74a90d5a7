using System.Diagnostics;
using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

/// <summary>A real RTSP camera on loopback (GStreamer), read over TCP through the FFmpeg backend.</summary>
[Trait("Category", "Integration")]
public sealed class RtspCaptureTests
{
    [Fact]
    public void Reads_a_live_rtsp_stream_and_fails_cleanly_when_the_camera_goes_away()
    {
        var server = LoopbackRtspServer.Start(TestPaths.RequireVTest());
        try
        {
            var options = new CaptureOpenOptions { OpenTimeoutMs = 10_000, ReadTimeoutMs = 3_000 };
            // user:password in the URI: the server ignores them; they must not show anywhere.
            var uri = server.Url.Replace("rtsp://", "rtsp://viewer:t0psecret@", StringComparison.Ordinal);
            using var cap = VideoCapture.Open(uri, options);
            Assert.True(cap.IsLive);
            Assert.Equal(-1, cap.FrameCount);
            Assert.Equal("FFMPEG", cap.Backend);
            Assert.DoesNotContain("t0psecret", cap.MaskedUri);
            Assert.Equal(768, cap.Width);
            Assert.Equal(576, cap.Height);

            var gray = new byte[360 * 240];
            for (var i = 0; i < 10; i++) Assert.Equal(FrameStatus.Ok, cap.Read(gray, 360, 240, PixelFormat.Gray8));
            Assert.InRange(Pixels.Mean(gray), 40, 220);
            Assert.True(Pixels.StdDev(gray) > 10);

            server.Dispose();
            var sw = Stopwatch.StartNew();
            var e = Assert.Throws<CaptureException>(() =>
            {
                // Frames already buffered may still arrive; a live source never reports EndOfStream.
                for (var i = 0; i < 1000; i++) Assert.Equal(FrameStatus.Ok, cap.Read(gray, 360, 240, PixelFormat.Gray8));
            });
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
            Assert.Equal(OpenCvStatus.ReadFailed, e.Status);
            Assert.DoesNotContain("t0psecret", e.Message);
            Assert.Contains("***:***@127.0.0.1", e.Message);
        }
        finally
        {
            server.Dispose();
        }
    }
}
