using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Monitoring.Tests.TestSupport;

/// <summary>
/// A real RTSP camera on 127.0.0.1 (rtsp_server.py beside this file, GStreamer's RTSP server)
/// serving a video file as H.264. Dispose stops it.
/// </summary>
public sealed class LoopbackRtspServer : IDisposable
{
    private readonly Process _process;
    private int _stopped;

    private LoopbackRtspServer(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>rtsp://127.0.0.1:PORT/cam</summary>
    public string Url { get; }

    public int Port => new Uri(Url).Port;

    /// <summary>SIGSTOP: the camera hangs with its connections open (no frames, no close), like a wedged device.</summary>
    public void Freeze() => Signals.Send(_process.Id, Signals.Stop);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signals.Send(_process.Id, Signals.Cont);

    /// <summary>
    /// Starts the server on <paramref name="port"/> (a free one when null; pass the port of a server that was
    /// killed to bring the same camera back) and waits until it listens.
    /// </summary>
    public static LoopbackRtspServer Start(string videoFile, TimeSpan? timeout = null, int? port = null)
    {
        var script = Path.Combine(TestPaths.RepoRoot, "tests", "Monitoring.Tests", "TestSupport", "rtsp_server.py");
        port ??= FreePort();
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(videoFile);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(timeout ?? TimeSpan.FromSeconds(20)) || ready.Result != "READY")
        {
            Stop(process);
            throw new InvalidOperationException(
                $"The loopback RTSP server did not start (needs ./build.sh setup's GStreamer packages): {stderr.Result}");
        }
        return new LoopbackRtspServer(process, $"rtsp://127.0.0.1:{port}/cam");
    }

    /// <summary>Kills the server (a camera that goes away).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0) Stop(_process);
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
