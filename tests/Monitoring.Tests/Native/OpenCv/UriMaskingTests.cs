using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

public sealed class UriMaskingTests
{
    [Theory]
    [InlineData("rtsp://user:pass@cam.local:554/stream1", "rtsp://***:***@cam.local:554/stream1")]
    [InlineData("rtsp://admin:p@ss:w/rd@10.0.0.5/h264", "rtsp://***:***@10.0.0.5/h264")]
    [InlineData("rtsp://token123@10.0.0.5/live", "rtsp://***@10.0.0.5/live")]
    [InlineData("http://cam/video.mjpg?user=admin&pwd=secret", "http://cam/video.mjpg?user=***&pwd=***")]
    [InlineData("rtsp://cam/live?channel=1&Password=x&subtype=0", "rtsp://cam/live?channel=1&Password=***&subtype=0")]
    [InlineData("rtsp://u:p@cam/x?token=abc#frag", "rtsp://***:***@cam/x?token=***#frag")]
    [InlineData("rtsp://cam.local/stream", "rtsp://cam.local/stream")]
    [InlineData("/data/clips/a@b.mp4", "/data/clips/a@b.mp4")]
    [InlineData("/dev/video0", "/dev/video0")]
    [InlineData("frames/%03d.jpg", "frames/%03d.jpg")]
    [InlineData("0", "0")]
    [InlineData("", "")]
    public void Masks_credentials(string uri, string expected)
    {
        Assert.Equal(expected, UriMasking.Mask(uri));
    }

    [Fact]
    public void Never_leaves_the_secret_in_any_form()
    {
        foreach (var uri in new[]
                 {
                     "rtsp://admin:hunter2@h/x", "rtsp://admin:hunter2@h?x=1", "rtsps://a:hunter2@h:322/s",
                     "rtsp://h/s?passwd=hunter2", "rtsp://h/s?pass=hunter2&x=1",
                 })
            Assert.DoesNotContain("hunter2", UriMasking.Mask(uri));
    }
}
