namespace Monitoring.Capture;

/// <summary>What a camera URL points at; decides buffering (live drops the oldest frame, files wait).</summary>
public enum SourceKind
{
    File,
    ImageSequence,
    Rtsp,
    Device,
}

public static class SourceKinds
{
    public static SourceKind Of(string url)
    {
        var u = url.Trim();
        if (u.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || u.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase)
            || u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return SourceKind.Rtsp;
        if (u.StartsWith("/dev/video", StringComparison.Ordinal) || u.StartsWith("v4l2://", StringComparison.OrdinalIgnoreCase) || int.TryParse(u, out _))
            return SourceKind.Device;
        if (u.Contains('%')) return SourceKind.ImageSequence;
        return SourceKind.File;
    }

    public static bool IsLive(this SourceKind kind) => kind is SourceKind.Rtsp or SourceKind.Device;
}
