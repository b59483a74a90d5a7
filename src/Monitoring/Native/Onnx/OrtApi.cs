using System.Runtime.InteropServices;

namespace Monitoring.Native.Onnx;

/// <summary>
/// The slice of ONNX Runtime's <c>OrtApi</c> function table that Monitoring uses, bound through C#
/// function pointers. The table is append-only across releases, so a member's index never changes;
/// the indices below were counted from <c>include/onnxruntime/core/session/onnxruntime_c_api.h</c>
/// (every <c>ORT_API2_STATUS</c>, plain function pointer and <c>ORT_CLASS_RELEASE(X)</c> member is one
/// pointer-sized slot; the struct has no conditionally compiled members). Each bound function is
/// exercised by tests/Monitoring.Tests/Onnx.
/// </summary>
/// <remarks>
/// Handles are passed as <see cref="nint"/>; a non-zero returned <c>OrtStatus*</c> is an error that
/// <see cref="Check"/> turns into an <see cref="OnnxRuntimeException"/> (and releases).
/// </remarks>
internal sealed unsafe class OrtApi
{
    /// <summary>ORT_API_VERSION of ONNX Runtime 1.30 (the minor version); GetApi returns null for newer.</summary>
    public const uint ApiVersion = 30;

    /// <summary>Member indices in the OrtApi struct (0-based, pointer-sized slots).</summary>
    internal static class Index
    {
        public const int CreateStatus = 0;
        public const int GetErrorCode = 1;
        public const int GetErrorMessage = 2;
        public const int CreateEnv = 3;
        public const int CreateSession = 7;
        public const int Run = 9;
        public const int CreateSessionOptions = 10;
        public const int SetSessionGraphOptimizationLevel = 23;
        public const int SetIntraOpNumThreads = 24;
        public const int SetInterOpNumThreads = 25;
        public const int SessionGetInputCount = 30;
        public const int SessionGetOutputCount = 31;
        public const int SessionGetInputTypeInfo = 33;
        public const int SessionGetOutputTypeInfo = 34;
        public const int SessionGetInputName = 36;
        public const int SessionGetOutputName = 37;
        public const int CreateTensorWithDataAsOrtValue = 49;
        public const int CastTypeInfoToTensorInfo = 55;
        public const int GetOnnxTypeFromTypeInfo = 56;
        public const int GetTensorElementType = 60;
        public const int GetDimensionsCount = 61;
        public const int GetDimensions = 62;
        public const int GetSymbolicDimensions = 63;
        public const int CreateCpuMemoryInfo = 69;
        public const int AllocatorFree = 76;
        public const int GetAllocatorWithDefaultOptions = 78;
        public const int ReleaseEnv = 92;
        public const int ReleaseStatus = 93;
        public const int ReleaseMemoryInfo = 94;
        public const int ReleaseSession = 95;
        public const int ReleaseValue = 96;
        public const int ReleaseTypeInfo = 98;
        public const int ReleaseSessionOptions = 100;
        public const int SessionGetModelMetadata = 111;
        public const int ModelMetadataLookupCustomMetadataMap = 116;
        public const int ReleaseModelMetadata = 118;
        public const int ModelMetadataGetCustomMetadataMapKeys = 123;
        public const int GetAvailableProviders = 125;
        public const int ReleaseAvailableProviders = 126;
        public const int AddSessionConfigEntry = 130;
        public const int SessionOptionsAppendExecutionProvider_CUDA_V2 = 204;
        public const int CreateCUDAProviderOptions = 205;
        public const int UpdateCUDAProviderOptions = 206;
        public const int ReleaseCUDAProviderOptions = 208;
    }

    private static readonly Lock Gate = new();
    private static OrtApi? _instance;

    // OrtStatus
    public readonly delegate* unmanaged[Cdecl]<int, byte*, nint> CreateStatus;
    public readonly delegate* unmanaged[Cdecl]<nint, int> GetErrorCode;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;

    // OrtEnv
    public readonly delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;

    // OrtSessionOptions
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;

    // CUDA execution provider (V2 options)
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateCUDAProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateCUDAProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProvider_CUDA_V2;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseCUDAProviderOptions;

    // OrtSession
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;

    // OrtTypeInfo / OrtTensorTypeAndShapeInfo (the latter borrowed from its type info, never released)
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;

    // OrtMemoryInfo / OrtValue / OrtAllocator
    public readonly delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;

    // OrtModelMetadata
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> SessionGetModelMetadata;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseModelMetadata;

    // Misc
    public readonly delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;

    /// <summary>The version string from <c>OrtApiBase::GetVersionString</c>, e.g. "1.30.0".</summary>
    public string VersionString { get; }

    /// <summary>The full path of the loaded libonnxruntime.so.1.</summary>
    public string LibraryPath { get; }

    private OrtApi(nint* table, string version, string libraryPath)
    {
        VersionString = version;
        LibraryPath = libraryPath;

        CreateStatus = (delegate* unmanaged[Cdecl]<int, byte*, nint>)table[Index.CreateStatus];
        GetErrorCode = (delegate* unmanaged[Cdecl]<nint, int>)table[Index.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)table[Index.GetErrorMessage];
        ReleaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseStatus];

        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)table[Index.CreateEnv];
        ReleaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseEnv];

        CreateSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[Index.CreateSessionOptions];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[Index.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[Index.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)table[Index.SetInterOpNumThreads];
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)table[Index.AddSessionConfigEntry];
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseSessionOptions];

        CreateCUDAProviderOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[Index.CreateCUDAProviderOptions];
        UpdateCUDAProviderOptions = (delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)table[Index.UpdateCUDAProviderOptions];
        SessionOptionsAppendExecutionProvider_CUDA_V2 = (delegate* unmanaged[Cdecl]<nint, nint, nint>)table[Index.SessionOptionsAppendExecutionProvider_CUDA_V2];
        ReleaseCUDAProviderOptions = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseCUDAProviderOptions];

        CreateSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)table[Index.CreateSession];
        Run = (delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)table[Index.Run];
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[Index.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[Index.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[Index.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[Index.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[Index.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[Index.SessionGetOutputName];
        ReleaseSession = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseSession];

        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[Index.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[Index.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)table[Index.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[Index.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)table[Index.GetDimensions];
        GetSymbolicDimensions = (delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)table[Index.GetSymbolicDimensions];
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseTypeInfo];

        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)table[Index.CreateCpuMemoryInfo];
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseMemoryInfo];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[Index.CreateTensorWithDataAsOrtValue];
        ReleaseValue = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseValue];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)table[Index.GetAllocatorWithDefaultOptions];
        AllocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)table[Index.AllocatorFree];

        SessionGetModelMetadata = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[Index.SessionGetModelMetadata];
        ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged[Cdecl]<nint, nint, byte***, long*, nint>)table[Index.ModelMetadataGetCustomMetadataMapKeys];
        ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged[Cdecl]<nint, nint, byte*, byte**, nint>)table[Index.ModelMetadataLookupCustomMetadataMap];
        ReleaseModelMetadata = (delegate* unmanaged[Cdecl]<nint, void>)table[Index.ReleaseModelMetadata];

        GetAvailableProviders = (delegate* unmanaged[Cdecl]<byte***, int*, nint>)table[Index.GetAvailableProviders];
        ReleaseAvailableProviders = (delegate* unmanaged[Cdecl]<byte**, int, nint>)table[Index.ReleaseAvailableProviders];
    }

    /// <summary>The bound table; loads libonnxruntime.so.1 on first use.</summary>
    /// <exception cref="NativeLibraryMissingException">The library is missing or cannot be loaded.</exception>
    /// <exception cref="OnnxRuntimeException">The library does not offer API version <see cref="ApiVersion"/>.</exception>
    public static OrtApi Instance => Volatile.Read(ref _instance) ?? Load();

    private static OrtApi Load()
    {
        lock (Gate)
        {
            if (_instance is not null) return _instance;
            var handle = NativeLibraries.Load(NativeLib.OnnxRuntime);
            var path = NativeLibraries.Locate(NativeLib.OnnxRuntime, NativeLibraries.SearchDirectories());
            if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBaseExport))
                throw new NativeLibraryMissingException(
                    $"'{path}' does not export OrtGetApiBase; it is not ONNX Runtime's C API library. " +
                    NativeLibraries.InstallHint(NativeLib.OnnxRuntime) + ".");

            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
            var getApiBase = (delegate* unmanaged[Cdecl]<nint*>)getApiBaseExport;
            var apiBase = getApiBase();
            var getApi = (delegate* unmanaged[Cdecl]<uint, nint*>)apiBase[0];
            var getVersion = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
            var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "?";
            var table = getApi(ApiVersion);
            if (table is null)
                throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                    $"ONNX Runtime at '{path}' is version {version} and does not offer C API version {ApiVersion} " +
                    $"(ONNX Runtime 1.{ApiVersion} or newer is needed). {NativeLibraries.InstallHint(NativeLib.OnnxRuntime)}.");
            _instance = new OrtApi(table, version, path);
            return _instance;
        }
    }

    /// <summary>Throws the error a non-null <c>OrtStatus*</c> carries (releasing the status).</summary>
    public void Check(nint status)
    {
        if (status != 0) throw ToException(status);
    }

    /// <summary>Reads code and message from a non-null <c>OrtStatus*</c> and releases it.</summary>
    public OnnxRuntimeException ToException(nint status)
    {
        try
        {
            var code = (OrtErrorCode)GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status))?.Trim() ?? "";
            if (message.Length == 0) message = $"ONNX Runtime error {code} (no message)";
            return new OnnxRuntimeException(code, message);
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    /// <summary>The default CPU allocator (owned by ORT; never released).</summary>
    public nint DefaultAllocator()
    {
        nint allocator;
        Check(GetAllocatorWithDefaultOptions(&allocator));
        return allocator;
    }

    /// <summary>Copies a UTF-8 string ORT allocated with <paramref name="allocator"/>, then frees it.</summary>
    public string TakeString(nint allocator, byte* value)
    {
        if (value is null) return "";
        try
        {
            return Marshal.PtrToStringUTF8((nint)value) ?? "";
        }
        finally
        {
            Check(AllocatorFree(allocator, value));
        }
    }
}
