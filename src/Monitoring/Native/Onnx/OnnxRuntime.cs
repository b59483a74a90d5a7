using System.Runtime.InteropServices;
using System.Text;

namespace Monitoring.Native.Onnx;

/// <summary>Process-wide facts about the loaded ONNX Runtime, and the objects all sessions share.</summary>
public static unsafe class OnnxRuntime
{
    private static readonly Lock Gate = new();
    private static OrtEnvHandle? _env;
    private static OrtMemoryInfoHandle? _cpuMemory;

    /// <summary>ONNX Runtime's version string ("1.30.0"), from <c>OrtApiBase::GetVersionString</c>.</summary>
    public static string Version => OrtApi.Instance.VersionString;

    /// <summary>The full path of the loaded libonnxruntime.so.1.</summary>
    public static string LibraryPath => OrtApi.Instance.LibraryPath;

    /// <summary>
    /// Execution providers this build knows of (e.g. "CPUExecutionProvider"). A listed provider may still
    /// fail to load when its shared library or CUDA/cuDNN are missing.
    /// </summary>
    public static IReadOnlyList<string> AvailableProviders
    {
        get
        {
            var api = OrtApi.Instance;
            byte** names;
            int count;
            api.Check(api.GetAvailableProviders(&names, &count));
            try
            {
                var list = new string[count];
                for (var i = 0; i < count; i++) list[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? "";
                return list;
            }
            finally
            {
                api.Check(api.ReleaseAvailableProviders(names, count));
            }
        }
    }

    /// <summary>The shared OrtEnv (ORT logs warnings and worse to stderr); created once, kept for the process.</summary>
    internal static OrtEnvHandle Env
    {
        get
        {
            if (Volatile.Read(ref _env) is { } env) return env;
            lock (Gate)
            {
                if (_env is not null) return _env;
                var api = OrtApi.Instance;
                nint p;
                fixed (byte* logId = "monitoring\0"u8)
                    api.Check(api.CreateEnv(2 /* ORT_LOGGING_LEVEL_WARNING */, logId, &p));
                _env = OrtHandle.Own<OrtEnvHandle>(p);
                return _env;
            }
        }
    }

    /// <summary>Describes caller-owned CPU buffers wrapped as tensors; created once, kept for the process.</summary>
    internal static OrtMemoryInfoHandle CpuMemory
    {
        get
        {
            if (Volatile.Read(ref _cpuMemory) is { } info) return info;
            lock (Gate)
            {
                if (_cpuMemory is not null) return _cpuMemory;
                var api = OrtApi.Instance;
                nint p;
                api.Check(api.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &p));
                _cpuMemory = OrtHandle.Own<OrtMemoryInfoHandle>(p);
                return _cpuMemory;
            }
        }
    }

    /// <summary>A null-terminated UTF-8 copy of <paramref name="s"/>.</summary>
    internal static byte[] Utf8z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
