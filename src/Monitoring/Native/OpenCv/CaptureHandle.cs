using Microsoft.Win32.SafeHandles;

namespace Monitoring.Native.OpenCv;

/// <summary>Owns a shim capture (<c>cvs_capture*</c>); releasing it closes the source.</summary>
internal sealed class CaptureHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.cvs_capture_release(handle);
        return true;
    }
}
