namespace Monitoring.Native.OpenCv;

/// <summary>
/// How to open a source. The timeouts apply to network streams (RTSP, HTTP; OpenCV's FFmpeg
/// backend); 0 leaves OpenCV's default.
/// </summary>
public sealed record CaptureOpenOptions
{
    /// <summary>How long opening a network stream may take, in milliseconds.</summary>
    public int OpenTimeoutMs { get; init; } = 10_000;

    /// <summary>How long one read from a network stream may block, in milliseconds.</summary>
    public int ReadTimeoutMs { get; init; } = 10_000;

    public static CaptureOpenOptions Default { get; } = new();
}
