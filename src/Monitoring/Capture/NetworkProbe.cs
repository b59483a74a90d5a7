using System.Net.Sockets;
using System.Text;
using Monitoring.Native.OpenCv;

namespace Monitoring.Capture;

/// <summary>
/// Checks that a network camera answers before its URL is handed to OpenCV. OpenCV 4.6's FFmpeg backend holds one
/// process-wide mutex for the whole of <c>VideoCapture::open</c> (cap_ffmpeg_impl.hpp), so a camera that accepts the
/// TCP connection and never answers would hold every other camera's open (files included) for the full open
/// timeout, on every reconnect attempt. The probe runs in managed code, outside that lock, and is cancelled by
/// the stop signal: TCP connect to the camera, and for RTSP an OPTIONS request that must get an RTSP reply (any
/// status: 401 still means the camera is alive). Only cameras that answer reach OpenCV.
/// </summary>
public static class NetworkProbe
{
    /// <summary>Throws <see cref="CaptureException"/> (OpenFailed) when the camera does not answer within <paramref name="timeoutMs"/>.</summary>
    public static void Check(string url, string maskedUrl, int timeoutMs, CancellationToken stop)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return;
        var scheme = uri.Scheme.ToLowerInvariant();
        var port = uri.IsDefaultPort || uri.Port <= 0
            ? scheme switch { "rtsp" => 554, "rtsps" => 322, "http" => 80, "https" => 443, _ => -1 }
            : uri.Port;
        if (port <= 0) return; // a scheme we do not know how to probe: let OpenCV try

        // Plain non-blocking socket calls polled in short slices: the deadline holds even when the thread pool is busy
        // (an async connect/read with a cancellation timer waits for a pool thread to fire the timer and run the
        // continuation; under load a 1 s timeout took 7 s).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var host = uri.DnsSafeHost;
            var addresses = System.Net.IPAddress.TryParse(host, out var ip) ? [ip] : Resolve(host, clock, timeoutMs, stop);
            if (addresses.Length == 0)
                throw new CaptureException($"Cannot open video source '{maskedUrl}': the host name does not resolve.", maskedUrl, OpenCvStatus.OpenFailed);
            using var socket = Connect(addresses, port, clock, timeoutMs, stop);
            if (scheme != "rtsp") return; // rtsps/http(s): reachable is all we can tell cheaply
            // The request names the URL without user info: credentials never leave for a probe.
            var target = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped);
            var request = Encoding.ASCII.GetBytes($"OPTIONS {target} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Monitoring\r\n\r\n");
            for (var sent = 0; sent < request.Length;)
            {
                Wait(socket, SelectMode.SelectWrite, clock, timeoutMs, stop);
                sent += socket.Send(request, sent, request.Length - sent, SocketFlags.None);
            }
            var reply = new byte[8];
            var got = 0;
            while (got < reply.Length)
            {
                Wait(socket, SelectMode.SelectRead, clock, timeoutMs, stop);
                var n = socket.Receive(reply, got, reply.Length - got, SocketFlags.None);
                if (n == 0) break;
                got += n;
            }
            if (got < 5 || !Encoding.ASCII.GetString(reply, 0, got).StartsWith("RTSP/", StringComparison.Ordinal))
                throw new CaptureException($"Cannot open video source '{maskedUrl}': the camera closed the connection without an RTSP reply.",
                    maskedUrl, OpenCvStatus.OpenFailed);
        }
        catch (TimeoutException)
        {
            throw new CaptureException($"Cannot open video source '{maskedUrl}': no answer within {timeoutMs} ms (connect / RTSP OPTIONS).",
                maskedUrl, OpenCvStatus.OpenFailed);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            var reason = e is SocketException s ? s.SocketErrorCode.ToString() : e.Message;
            throw new CaptureException($"Cannot open video source '{maskedUrl}': {reason}.", maskedUrl, OpenCvStatus.OpenFailed);
        }
    }

    /// <summary>A socket connected to the first of <paramref name="addresses"/> that accepts (as a host name's several
    /// addresses are tried in turn); the last address's error when none does.</summary>
    private static Socket Connect(System.Net.IPAddress[] addresses, int port, System.Diagnostics.Stopwatch clock, int timeoutMs, CancellationToken stop)
    {
        for (var i = 0; ; i++)
        {
            var socket = new Socket(addresses[i].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
            try
            {
                try { socket.Connect(addresses[i], port); }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress) { }
                Wait(socket, SelectMode.SelectWrite, clock, timeoutMs, stop);
                if (socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error) is int error && error != 0)
                    throw new SocketException(error);
                return socket;
            }
            catch (SocketException) when (i + 1 < addresses.Length)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>The host's addresses, within the deadline and the stop signal (a blocking wait with a timeout: it needs no
    /// pool thread to expire).</summary>
    private static System.Net.IPAddress[] Resolve(string host, System.Diagnostics.Stopwatch clock, int timeoutMs, CancellationToken stop)
    {
        var lookup = System.Net.Dns.GetHostAddressesAsync(host, stop);
        try
        {
            if (!lookup.Wait((int)Math.Max(0, timeoutMs - clock.ElapsedMilliseconds), stop)) throw new TimeoutException();
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
        return lookup.Result;
    }

    /// <summary>Waits until the socket is ready for <paramref name="mode"/>, in slices of at most 50 ms so that the stop
    /// signal is seen; throws <see cref="TimeoutException"/> at the deadline.</summary>
    private static void Wait(Socket socket, SelectMode mode, System.Diagnostics.Stopwatch clock, int timeoutMs, CancellationToken stop)
    {
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            var left = timeoutMs - clock.ElapsedMilliseconds;
            if (left <= 0) throw new TimeoutException();
            if (socket.Poll((int)Math.Min(left, 50) * 1000, mode)) return;
        }
    }
}
