namespace Monitoring.Native.OpenCv;

/// <summary>The shim's status codes (src/native/cvshim/cvshim.cpp).</summary>
public enum OpenCvStatus
{
    Ok = 0,
    EndOfStream = 1,
    /// <summary>A bad argument (size, format, pattern).</summary>
    InvalidArgument = -1,
    /// <summary>The file, folder or device does not exist.</summary>
    NotFound = -2,
    /// <summary>It exists, but OpenCV could not open or decode it (corrupt, unsupported, unreachable).</summary>
    OpenFailed = -3,
    /// <summary>Reading a frame failed (a live source timed out or closed, or a frame was undecodable).</summary>
    ReadFailed = -4,
    /// <summary>No frame has been decoded yet.</summary>
    NoFrame = -5,
    /// <summary>Image encoding or decoding failed.</summary>
    CodecFailed = -6,
    /// <summary>An OpenCV or C++ exception inside the shim.</summary>
    Internal = -7,
}
