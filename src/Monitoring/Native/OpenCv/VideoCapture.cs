using System.Text;

namespace Monitoring.Native.OpenCv;

/// <summary>
/// A video source read through OpenCV: a video file, an image sequence (<c>dir/%03d.jpg</c>), an
/// RTSP/HTTP stream (RTSP over TCP, with open and read timeouts), a V4L2 device (<c>/dev/video0</c>,
/// <c>v4l2:///dev/video0</c>) or a camera index (<c>0</c>).
/// </summary>
/// <remarks>
/// One thread at a time may use an instance. Each <see cref="Read"/> decodes one frame into a
/// caller buffer at the size and format asked for; <see cref="RetrieveLast"/> writes the same
/// frame again at another size or format without decoding it again.
/// </remarks>
public sealed class VideoCapture : IDisposable
{
    private readonly CaptureHandle _handle;

    private VideoCapture(CaptureHandle handle, string maskedUri, double fps, long frameCount, bool isLive,
        string backend)
    {
        _handle = handle;
        MaskedUri = maskedUri;
        Fps = fps;
        FrameCount = frameCount;
        IsLive = isLive;
        Backend = backend;
    }

    /// <summary>The source URI with its credentials masked, for logs and messages.</summary>
    public string MaskedUri { get; }

    /// <summary>OpenCV's backend for this source (e.g. <c>FFMPEG</c>, <c>CV_IMAGES</c>, <c>V4L2</c>).</summary>
    public string Backend { get; }

    /// <summary>Frames per second the source declares; 0 when unknown.</summary>
    public double Fps { get; }

    /// <summary>The number of frames; -1 when unknown (live sources, some containers).</summary>
    public long FrameCount { get; }

    /// <summary>True for cameras and network streams: no end, a failed read is an error.</summary>
    public bool IsLive { get; }

    /// <summary>The width of the decoded frames in pixels.</summary>
    public int Width => Info().Width;

    /// <summary>The height of the decoded frames in pixels.</summary>
    public int Height => Info().Height;

    /// <summary>The index of the next frame: frames grabbed or read so far.</summary>
    public long Position
    {
        get
        {
            Check(NativeMethods.cvs_capture_position(_handle, out var position), "Reading the position of");
            return position;
        }
    }

    /// <summary>Opens <paramref name="uri"/>.</summary>
    /// <exception cref="CaptureException">It does not exist or cannot be opened; the message names the masked URI and what to check.</exception>
    public static VideoCapture Open(string uri, CaptureOpenOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        options ??= CaptureOpenOptions.Default;
        if (options.OpenTimeoutMs < 0 || options.ReadTimeoutMs < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Timeouts must not be negative.");

        var masked = UriMasking.Mask(uri);
        var status = NativeMethods.cvs_capture_open(uri, options.OpenTimeoutMs, options.ReadTimeoutMs, out var handle);
        if (status != 0)
        {
            var message = NativeMethods.LastError();
            handle.Dispose();
            throw new CaptureException($"Cannot open video source '{masked}': {message}.", masked, (OpenCvStatus)status);
        }

        try
        {
            var info = QueryInfo(handle, masked);
            return new VideoCapture(handle, masked, info.Fps, info.FrameCount, info.Live, QueryBackend(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Advances one frame without decoding it (frame skipping).</summary>
    /// <returns>False at the end of a file or image sequence.</returns>
    /// <exception cref="CaptureException">The source failed (a live source timed out or closed).</exception>
    public bool Grab() => Check(NativeMethods.cvs_capture_grab(_handle), "Reading from") == FrameStatus.Ok;

    /// <summary>
    /// Decodes the next frame into <paramref name="dest"/> at <paramref name="width"/> ×
    /// <paramref name="height"/> in <paramref name="format"/> (INTER_AREA when shrinking,
    /// INTER_LINEAR when enlarging, no resize at the native size).
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is smaller than the image.</exception>
    /// <exception cref="CaptureException">Reading or decoding failed.</exception>
    public unsafe FrameStatus Read(Span<byte> dest, int width, int height, PixelFormat format)
    {
        var bytes = ImageChecks.Buffer(dest.Length, width, height, format, nameof(dest));
        fixed (byte* p = dest)
            return Check(NativeMethods.cvs_capture_read(_handle, p, bytes, width, height, (int)format), "Reading from");
    }

    /// <summary>Decodes the frame the last <see cref="Grab"/> advanced to (after Grab returned true).</summary>
    public unsafe void Retrieve(Span<byte> dest, int width, int height, PixelFormat format)
    {
        var bytes = ImageChecks.Buffer(dest.Length, width, height, format, nameof(dest));
        fixed (byte* p = dest)
            Check(NativeMethods.cvs_capture_retrieve(_handle, p, bytes, width, height, (int)format), "Decoding a frame of");
    }

    /// <summary>Writes the last decoded frame again at another size or format, without decoding again.</summary>
    /// <exception cref="CaptureException">No frame has been decoded yet (<see cref="OpenCvStatus.NoFrame"/>).</exception>
    public unsafe void RetrieveLast(Span<byte> dest, int width, int height, PixelFormat format)
    {
        var bytes = ImageChecks.Buffer(dest.Length, width, height, format, nameof(dest));
        fixed (byte* p = dest)
            Check(NativeMethods.cvs_capture_retrieve_last(_handle, p, bytes, width, height, (int)format),
                "Converting the last frame of");
    }

    public void Dispose() => _handle.Dispose();

    public override string ToString() => $"VideoCapture({MaskedUri}, {Backend})";

    private (int Width, int Height) Info()
    {
        var info = QueryInfo(_handle, MaskedUri);
        return (info.Width, info.Height);
    }

    private static (int Width, int Height, double Fps, long FrameCount, bool Live) QueryInfo(CaptureHandle handle,
        string masked)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, typeof(VideoCapture));
        var status = NativeMethods.cvs_capture_info(handle, out var w, out var h, out var fps, out var count, out var live);
        if (status < 0)
            throw new CaptureException($"Reading the properties of '{masked}' failed: {NativeMethods.LastError()}.",
                masked, (OpenCvStatus)status);
        return (w, h, fps, count, live != 0);
    }

    private static unsafe string QueryBackend(CaptureHandle handle)
    {
        var buf = stackalloc byte[64];
        if (NativeMethods.cvs_capture_backend(handle, buf, 64) != 0) return "unknown";
        var span = new ReadOnlySpan<byte>(buf, 64);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    private FrameStatus Check(int status, string doing)
    {
        if (status == 0) return FrameStatus.Ok;
        if (status == (int)OpenCvStatus.EndOfStream) return FrameStatus.EndOfStream;
        throw new CaptureException($"{doing} '{MaskedUri}' failed: {NativeMethods.LastError()}.", MaskedUri,
            (OpenCvStatus)status);
    }
}
