namespace Monitoring.Native.OpenCv;

/// <summary>The outcome of <see cref="VideoCapture.Read"/>; errors are thrown as <see cref="CaptureException"/>.</summary>
public enum FrameStatus
{
    /// <summary>A frame was decoded into the buffer.</summary>
    Ok,
    /// <summary>The file or image sequence has no more frames (live sources never end: they fail).</summary>
    EndOfStream,
}
