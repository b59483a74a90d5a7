using System.Runtime.InteropServices;

namespace Monitoring.Native.Onnx;

/// <summary>
/// Base of the SafeHandles for ORT objects: zero is invalid, and release goes through the matching
/// OrtApi <c>ReleaseX</c> function. One small subclass per ORT object type follows.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer; callers keep the handle alive (or AddRef it) while they use it.</summary>
    public nint Pointer => handle;

    /// <summary>Takes ownership of a pointer ORT just returned.</summary>
    public static T Own<T>(nint pointer) where T : OrtHandle, new()
    {
        var h = new T();
        h.SetHandle(pointer);
        return h;
    }
}

/// <summary>An <c>OrtEnv*</c>.</summary>
internal sealed class OrtEnvHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseEnv(handle); return true; }
}

/// <summary>An <c>OrtSessionOptions*</c>.</summary>
internal sealed class OrtSessionOptionsHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseSessionOptions(handle); return true; }
}

/// <summary>An <c>OrtSession*</c>.</summary>
internal sealed class OrtSessionHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseSession(handle); return true; }
}

/// <summary>An <c>OrtMemoryInfo*</c>.</summary>
internal sealed class OrtMemoryInfoHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseMemoryInfo(handle); return true; }
}

/// <summary>An <c>OrtValue*</c> (here: a tensor over a caller's pinned buffer).</summary>
internal sealed class OrtValueHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseValue(handle); return true; }
}

/// <summary>An <c>OrtTypeInfo*</c>.</summary>
internal sealed class OrtTypeInfoHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseTypeInfo(handle); return true; }
}

/// <summary>An <c>OrtCUDAProviderOptionsV2*</c>.</summary>
internal sealed class OrtCudaProviderOptionsHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseCUDAProviderOptions(handle); return true; }
}

/// <summary>An <c>OrtModelMetadata*</c>.</summary>
internal sealed class OrtModelMetadataHandle : OrtHandle
{
    protected override unsafe bool ReleaseHandle() { OrtApi.Instance.ReleaseModelMetadata(handle); return true; }
}
