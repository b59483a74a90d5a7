namespace Monitoring.Capture;

/// <summary>A camera source's lifecycle. Live sources cycle Connecting → Streaming → Reconnecting → … forever.</summary>
public enum CameraState
{
    Connecting = 0,
    Streaming = 1,
    Reconnecting = 2,
    /// <summary>A file or image sequence reached its end (and does not loop).</summary>
    Ended = 3,
    Stopped = 4,
}
