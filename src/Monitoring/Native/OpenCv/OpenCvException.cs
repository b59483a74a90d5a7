namespace Monitoring.Native.OpenCv;

/// <summary>An OpenCV operation failed; the message carries the shim's (OpenCV's) explanation.</summary>
public class OpenCvException(string message, OpenCvStatus status, Exception? inner = null) : Exception(message, inner)
{
    public OpenCvStatus Status { get; } = status;
}

/// <summary>
/// Opening or reading a video source failed. <see cref="Source"/> is the source URI with its
/// credentials masked (<see cref="UriMasking.Mask"/>); the message never holds the raw URI.
/// </summary>
public sealed class CaptureException(string message, string maskedUri, OpenCvStatus status)
    : OpenCvException(message, status)
{
    /// <summary>The source URI, credentials masked.</summary>
    public string MaskedUri { get; } = maskedUri;
}
