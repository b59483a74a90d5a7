using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Monitoring.Capture;
using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Capture;

[Trait("Category", "Integration")]
public sealed class NetworkProbeTests
{
    [Fact]
    public void A_real_rtsp_camera_passes()
    {
        using var server = LoopbackRtspServer.Start(TestClips.VTest(10));
        NetworkProbe.Check(server.Url.Replace("rtsp://", "rtsp://u:p@", StringComparison.Ordinal), "masked", 5000, CancellationToken.None);
        NetworkProbe.Check(server.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), "masked", 5000, CancellationToken.None);
    }

    [Fact]
    public void A_closed_port_fails_at_once()
    {
        var port = DaemonProcess.FreePort();
        var e = Assert.Throws<CaptureException>(() => NetworkProbe.Check($"rtsp://127.0.0.1:{port}/x", "rtsp://127.0.0.1/x", 5000, CancellationToken.None));
        Assert.Equal(OpenCvStatus.OpenFailed, e.Status);
        Assert.Contains("ConnectionRefused", e.Message);
        // by host name: resolved within the deadline, every address tried, the refusal named
        var byName = Assert.Throws<CaptureException>(() => NetworkProbe.Check($"rtsp://localhost:{port}/x", "rtsp://localhost/x", 5000, CancellationToken.None));
        Assert.Contains("ConnectionRefused", byName.Message);
    }

    [Fact]
    public async Task A_silent_camera_times_out_is_cancellable_and_never_gets_the_credentials()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var url = $"rtsp://user:secretpw@127.0.0.1:{port}/x";
        var peers = new List<TcpClient>();
        // The silent camera accepts, reads the request and never answers (it hangs, it does not hang up).
        Task<string> SilentCamera() => Task.Run(async () =>
        {
            var peer = await listener.AcceptTcpClientAsync();
            lock (peers) peers.Add(peer);
            var buffer = new byte[1024];
            var text = new StringBuilder();
            while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await peer.GetStream().ReadAsync(buffer);
                if (n == 0) break;
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            return text.ToString();
        });
        try
        {
            // 1. The timeout: a clear error naming the masked URL and the time, never the password.
            _ = SilentCamera();
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<CaptureException>(() => NetworkProbe.Check(url, UriMasking.Mask(url), 1000, CancellationToken.None));
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);
            Assert.Contains("no answer within 1000 ms", e.Message);
            Assert.DoesNotContain("secretpw", e.Message);

            // 2. What the camera receives (read while the probe is still waiting, so a slow host cannot race it), and
            //    the stop signal ends the wait.
            var request = SilentCamera();
            using var stop = new CancellationTokenSource();
            var probe = Task.Run(() => NetworkProbe.Check(url, "masked", 60_000, stop.Token));
            var sent = await request.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.StartsWith($"OPTIONS rtsp://127.0.0.1:{port}/x RTSP/1.0", sent);
            Assert.DoesNotContain("secretpw", sent);
            clock.Restart();
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            lock (peers) foreach (var p in peers) p.Dispose();
        }
    }
}
