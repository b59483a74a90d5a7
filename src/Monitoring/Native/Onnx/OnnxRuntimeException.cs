namespace Monitoring.Native.Onnx;

/// <summary>
/// An error reported by ONNX Runtime (every non-null <c>OrtStatus*</c> becomes one), or a request our
/// binding refused before calling it (wrong input name or shape). <see cref="OrtMessage"/> keeps ORT's
/// own text; <see cref="Exception.Message"/> may add context such as the model path and the fix.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode errorCode, string message, string? ortMessage = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage ?? message;
    }

    /// <summary>ORT's error code (<see cref="OrtErrorCode.InvalidArgument"/> for our own validation errors).</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>ORT's message as it reported it (equal to Message when there is no added context).</summary>
    public string OrtMessage { get; }
}
