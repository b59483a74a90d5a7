namespace Monitoring.Inference;

/// <summary>
/// An error from ONNX Runtime (its <c>OnnxRuntimeException</c>, or a missing native entry point), or a request
/// <see cref="OnnxSession"/> refused before calling it (wrong input name or shape). <see cref="OrtMessage"/> keeps
/// ORT's own text; <see cref="Exception.Message"/> adds context such as the model path and the fix.
/// </summary>
public sealed class InferenceException : Exception
{
    public InferenceException(ErrorCode errorCode, string message, string? ortMessage = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage ?? message;
    }

    /// <summary>ORT's error code (<see cref="ErrorCode.InvalidArgument"/> for our own validation errors).</summary>
    public ErrorCode ErrorCode { get; }

    /// <summary>ORT's message as it reported it (equal to Message when there is no added context).</summary>
    public string OrtMessage { get; }
}
