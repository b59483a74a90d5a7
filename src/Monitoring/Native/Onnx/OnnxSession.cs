using System.Buffers;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Monitoring.Native.Onnx;

/// <summary>
/// One ONNX model loaded into an ONNX Runtime session, run on caller-owned float32 buffers.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Run"/> may be called from several threads at once on one session (ORT's
/// Run is thread-safe and this wrapper keeps no per-call state outside the call); the descriptive
/// properties are immutable. <see cref="Dispose"/> may race with a Run: the native session is released
/// only when the last Run in flight returns, and later calls throw <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed unsafe class OnnxSession : IDisposable
{
    /// <summary>The provider library ORT loads for CUDA; not shipped in the npm build of ONNX Runtime.</summary>
    public const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    private const int StackLimit = 32;

    private readonly OrtSessionHandle _session;
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    // Null-terminated UTF-8 names on the pinned object heap: their addresses never move.
    private readonly byte[][] _nameBuffers;
    private readonly nint[] _inputNamePtrs;
    private readonly nint[] _outputNamePtrs;
    private int _disposed;

    private OnnxSession(string modelPath, ExecutionProvider provider, OrtSessionHandle session)
    {
        ModelPath = modelPath;
        ActiveProvider = provider;
        _session = session;
        var api = OrtApi.Instance;
        var allocator = api.DefaultAllocator();
        _inputs = ReadTensorInfos(api, session.Pointer, allocator, isInput: true);
        _outputs = ReadTensorInfos(api, session.Pointer, allocator, isInput: false);
        Metadata = ReadMetadata(api, session.Pointer, allocator);

        _inputIndex = IndexByName(_inputs);
        _outputIndex = IndexByName(_outputs);
        _nameBuffers = new byte[_inputs.Length + _outputs.Length][];
        _inputNamePtrs = new nint[_inputs.Length];
        _outputNamePtrs = new nint[_outputs.Length];
        for (var i = 0; i < _inputs.Length; i++) _inputNamePtrs[i] = PinName(i, _inputs[i].Name);
        for (var i = 0; i < _outputs.Length; i++) _outputNamePtrs[i] = PinName(_inputs.Length + i, _outputs[i].Name);
        Inputs = Array.AsReadOnly(_inputs);
        Outputs = Array.AsReadOnly(_outputs);
    }

    /// <summary>The full path of the model file.</summary>
    public string ModelPath { get; }

    /// <summary>The provider the session runs on: <see cref="ExecutionProvider.Cpu"/> or <see cref="ExecutionProvider.Cuda"/>.</summary>
    public ExecutionProvider ActiveProvider { get; }

    /// <summary>The model's inputs, in graph order.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in graph order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>The model's custom metadata (ONNX <c>metadata_props</c>); empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Loads <paramref name="modelPath"/> into a new session.</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist (the message names the full path).</exception>
    /// <exception cref="OnnxRuntimeException">ORT could not load the model (message: path and ORT's reason), or
    /// <see cref="ExecutionProvider.Cuda"/> was asked for and cannot be enabled (message: what is missing and the fix).</exception>
    /// <exception cref="NativeLibraryMissingException">libonnxruntime.so.1 is missing.</exception>
    public static OnnxSession Load(string modelPath, OnnxSessionOptions options, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException(
                Directory.Exists(fullPath)
                    ? $"ONNX model path '{fullPath}' is a directory, not a model file."
                    : $"ONNX model file not found: '{fullPath}'.",
                fullPath);

        OrtSessionHandle? session = null;
        var active = ExecutionProvider.Cpu;
        switch (options.Provider)
        {
            case ExecutionProvider.Cpu:
                session = CreateSession(fullPath, options, ExecutionProvider.Cpu);
                break;

            case ExecutionProvider.Cuda:
                session = CreateSession(fullPath, options, ExecutionProvider.Cuda);
                active = ExecutionProvider.Cuda;
                break;

            case ExecutionProvider.Auto:
                string? whyNotCuda = null;
                try
                {
                    session = CreateSession(fullPath, options, ExecutionProvider.Cuda);
                    active = ExecutionProvider.Cuda;
                }
                catch (OnnxRuntimeException e)
                {
                    whyNotCuda = e.OrtMessage;
                }
                if (session is null)
                {
                    // A model that cannot load on the CPU either throws here, without a misleading CUDA warning.
                    session = CreateSession(fullPath, options, ExecutionProvider.Cpu);
                    logger?.LogWarning(
                        "ONNX Runtime: the CUDA execution provider is unavailable, running {Model} on the CPU " +
                        "(provider 'auto'). Reason: {Reason} For the GPU, put {CudaLibrary} from the ONNX Runtime " +
                        "{Version} GPU build beside {Library} (needs CUDA 12 and cuDNN 9); set provider to 'cpu' " +
                        "to silence this warning.",
                        Path.GetFileName(fullPath), whyNotCuda, CudaProviderLibrary, OnnxRuntime.Version,
                        OnnxRuntime.LibraryPath);
                }
                break;
        }

        try
        {
            var loaded = new OnnxSession(fullPath, active, session!);
            logger?.LogInformation("ONNX model {Model} loaded on {Provider}: inputs {Inputs}, outputs {Outputs}",
                fullPath, active, string.Join("; ", loaded._inputs.Select(i => i.ToString())),
                string.Join("; ", loaded._outputs.Select(o => o.ToString())));
            return loaded;
        }
        catch
        {
            session!.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model: reads each input from its buffer and writes each requested output into its buffer.
    /// Every model input must be given once; outputs may be any non-empty subset of the model's outputs.
    /// Buffers are pinned for the duration of the call and wrapped (not copied) as ORT tensors.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">A name, shape or buffer length does not match the model (checked
    /// before ORT is called; the message names the tensor and the expected shape), or ORT failed.</exception>
    public void Run(ReadOnlySpan<NamedTensor> inputs, ReadOnlySpan<NamedTensor> outputs)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (outputs.IsEmpty)
            throw Invalid($"Run needs at least one output buffer; the model's outputs are: {NameList(_outputs)}.");

        Span<int> inputSlots = inputs.Length <= StackLimit ? stackalloc int[inputs.Length] : new int[inputs.Length];
        Span<int> outputSlots = outputs.Length <= StackLimit ? stackalloc int[outputs.Length] : new int[outputs.Length];
        Resolve(inputs, _inputs, _inputIndex, "input", inputSlots);
        Resolve(outputs, _outputs, _outputIndex, "output", outputSlots);
        if (inputs.Length != _inputs.Length)
        {
            foreach (var info in _inputs)
            {
                var given = false;
                foreach (var t in inputs) given |= t.Name == info.Name;
                if (!given)
                    throw Invalid($"input '{info.Name}' (shape {info.ExpectedShapeText()}) is missing; " +
                                  $"the model's inputs are: {NameList(_inputs)}.");
            }
        }
        CheckSymbolicDimensions(inputs, inputSlots, outputs, outputSlots);

        var api = OrtApi.Instance;
        var memoryInfo = OnnxRuntime.CpuMemory.Pointer;
        var total = inputs.Length + outputs.Length;
        var pins = ArrayPool<MemoryHandle>.Shared.Rent(total);
        var values = ArrayPool<OrtValueHandle?>.Shared.Rent(total);
        var names = total <= StackLimit ? stackalloc nint[total] : new nint[total];
        var handles = total <= StackLimit ? stackalloc nint[total] : new nint[total];
        var addedRef = false;
        try
        {
            _session.DangerousAddRef(ref addedRef);
            for (var k = 0; k < inputs.Length; k++)
            {
                values[k] = Wrap(api, memoryInfo, inputs[k], ref pins[k]);
                handles[k] = values[k]!.Pointer;
                names[k] = _inputNamePtrs[inputSlots[k]];
            }
            for (var k = 0; k < outputs.Length; k++)
            {
                var s = inputs.Length + k;
                values[s] = Wrap(api, memoryInfo, outputs[k], ref pins[s]);
                handles[s] = values[s]!.Pointer;
                names[s] = _outputNamePtrs[outputSlots[k]];
            }

            fixed (nint* n = names)
            fixed (nint* h = handles)
            {
                var status = api.Run(_session.DangerousGetHandle(), 0,
                    (byte**)n, h, (nuint)inputs.Length,
                    (byte**)(n + inputs.Length), (nuint)outputs.Length, h + inputs.Length);
                if (status != 0)
                {
                    var e = api.ToException(status);
                    throw new OnnxRuntimeException(e.ErrorCode,
                        $"ONNX Runtime failed to run '{Path.GetFileName(ModelPath)}': {e.OrtMessage}", e.OrtMessage, e);
                }
            }
            for (var k = 0; k < outputs.Length; k++)
            {
                // ORT fills a pre-allocated output in place; a different pointer would be a value it allocated.
                var s = inputs.Length + k;
                if (handles[s] != values[s]!.Pointer)
                {
                    api.ReleaseValue(handles[s]);
                    throw new OnnxRuntimeException(OrtErrorCode.Fail,
                        $"ONNX Runtime replaced the buffer of output '{outputs[k].Name}' instead of writing into it.");
                }
            }
        }
        finally
        {
            for (var k = 0; k < total; k++)
            {
                values[k]?.Dispose();
                values[k] = null;
                pins[k].Dispose();
                pins[k] = default;
            }
            ArrayPool<OrtValueHandle?>.Shared.Return(values);
            ArrayPool<MemoryHandle>.Shared.Return(pins);
            if (addedRef) _session.DangerousRelease();
        }
    }

    /// <summary>Releases the native session (after any Run in flight); safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _session.Dispose();
    }

    public override string ToString() =>
        $"{Path.GetFileName(ModelPath)} on {ActiveProvider}: inputs {NameList(_inputs)}; outputs {NameList(_outputs)}";

    // ---- loading -------------------------------------------------------------------------------------

    private static OrtSessionHandle CreateSession(string fullPath, OnnxSessionOptions options, ExecutionProvider provider)
    {
        var api = OrtApi.Instance;
        var env = OnnxRuntime.Env;
        using var sessionOptions = CreateSessionOptions(api, options);
        if (provider == ExecutionProvider.Cuda) AppendCuda(api, sessionOptions, options.CudaDeviceId);

        nint session;
        nint status;
        fixed (byte* path = OnnxRuntime.Utf8z(fullPath))
            status = api.CreateSession(env.Pointer, path, sessionOptions.Pointer, &session);
        if (status == 0) return OrtHandle.Own<OrtSessionHandle>(session);

        var e = api.ToException(status);
        var on = provider == ExecutionProvider.Cuda ? " with the CUDA execution provider" : "";
        throw new OnnxRuntimeException(e.ErrorCode,
            $"ONNX Runtime could not load the model '{fullPath}'{on}: {e.OrtMessage}", e.OrtMessage, e);
    }

    private static OrtSessionOptionsHandle CreateSessionOptions(OrtApi api, OnnxSessionOptions options)
    {
        nint p;
        api.Check(api.CreateSessionOptions(&p));
        var handle = OrtHandle.Own<OrtSessionOptionsHandle>(p);
        try
        {
            api.Check(api.SetIntraOpNumThreads(p, options.IntraOpThreads));
            api.Check(api.SetInterOpNumThreads(p, options.InterOpThreads));
            api.Check(api.SetSessionGraphOptimizationLevel(p, (int)options.Optimization));
            if (!options.IntraOpSpinning)
            {
                fixed (byte* key = "session.intra_op.allow_spinning\0"u8)
                fixed (byte* value = "0\0"u8)
                    api.Check(api.AddSessionConfigEntry(p, key, value));
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AppendCuda(OrtApi api, OrtSessionOptionsHandle sessionOptions, int deviceId)
    {
        try
        {
            nint p;
            api.Check(api.CreateCUDAProviderOptions(&p));
            using var cuda = OrtHandle.Own<OrtCudaProviderOptionsHandle>(p);
            fixed (byte* key = "device_id\0"u8)
            fixed (byte* value = OnnxRuntime.Utf8z(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var keys = stackalloc byte*[1] { key };
                var values = stackalloc byte*[1] { value };
                api.Check(api.UpdateCUDAProviderOptions(p, keys, values, 1));
            }
            api.Check(api.SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions.Pointer, p));
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxRuntimeException(e.ErrorCode,
                $"The CUDA execution provider could not be enabled (device {deviceId}): {e.OrtMessage} " +
                $"ONNX Runtime needs {CudaProviderLibrary} and libonnxruntime_providers_shared.so beside " +
                $"{OnnxRuntime.LibraryPath} (the npm build of onnxruntime-node ships neither), plus the CUDA 12 " +
                "and cuDNN 9 runtime libraries on the loader path and an NVIDIA driver. Fix: install the provider " +
                $"libraries of the ONNX Runtime {OnnxRuntime.Version} GPU build (linux-x64) next to libonnxruntime.so.1, " +
                "or set provider to 'cpu' (or 'auto', which falls back to the CPU with a warning).",
                e.OrtMessage, e);
        }
    }

    private static TensorInfo[] ReadTensorInfos(OrtApi api, nint session, nint allocator, bool isInput)
    {
        nuint count;
        api.Check(isInput ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var infos = new TensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            api.Check(isInput
                ? api.SessionGetInputName(session, i, allocator, &rawName)
                : api.SessionGetOutputName(session, i, allocator, &rawName));
            var name = api.TakeString(allocator, rawName);

            nint typeInfo;
            api.Check(isInput
                ? api.SessionGetInputTypeInfo(session, i, &typeInfo)
                : api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = OrtHandle.Own<OrtTypeInfoHandle>(typeInfo);
            infos[i] = ReadTensorInfo(api, name, typeInfo);
        }
        return infos;
    }

    private static TensorInfo ReadTensorInfo(OrtApi api, string name, nint typeInfo)
    {
        int onnxType;
        api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        nint tensorInfo = 0;
        if (onnxType == 1 /* ONNX_TYPE_TENSOR */) api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        if (tensorInfo == 0) return new TensorInfo(name, TensorElementType.Undefined, [], []);

        int elementType;
        nuint rank;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType));
        api.Check(api.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        var symbols = new string[(int)rank];
        var symbolPtrs = new nint[(int)rank];
        fixed (long* s = shape)
            api.Check(api.GetDimensions(tensorInfo, s, rank));
        fixed (nint* p = symbolPtrs)
            api.Check(api.GetSymbolicDimensions(tensorInfo, (byte**)p, rank));
        for (var d = 0; d < symbols.Length; d++)
        {
            symbols[d] = symbolPtrs[d] == 0 ? "" : Marshal.PtrToStringUTF8(symbolPtrs[d]) ?? "";
            if (shape[d] < 0) shape[d] = -1;
        }
        return new TensorInfo(name, (TensorElementType)elementType, shape, symbols);
    }

    private static ReadOnlyDictionary<string, string> ReadMetadata(OrtApi api, nint session, nint allocator)
    {
        nint metadata;
        api.Check(api.SessionGetModelMetadata(session, &metadata));
        using var metadataHandle = OrtHandle.Own<OrtModelMetadataHandle>(metadata);
        byte** keys;
        long count;
        api.Check(api.ModelMetadataGetCustomMetadataMapKeys(metadata, allocator, &keys, &count));
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys is null) return map.AsReadOnly();
        try
        {
            for (long i = 0; i < count; i++)
            {
                var key = Marshal.PtrToStringUTF8((nint)keys[i]) ?? "";
                byte* value;
                api.Check(api.ModelMetadataLookupCustomMetadataMap(metadata, allocator, keys[i], &value));
                map[key] = api.TakeString(allocator, value);
            }
        }
        finally
        {
            for (long i = 0; i < count; i++) api.AllocatorFree(allocator, keys[i]);
            api.AllocatorFree(allocator, keys);
        }
        return map.AsReadOnly();
    }

    private static Dictionary<string, int> IndexByName(TensorInfo[] infos)
    {
        var index = new Dictionary<string, int>(infos.Length, StringComparer.Ordinal);
        for (var i = 0; i < infos.Length; i++) index[infos[i].Name] = i;
        return index;
    }

    private nint PinName(int slot, string name)
    {
        var utf8 = OnnxRuntime.Utf8z(name);
        var pinned = GC.AllocateUninitializedArray<byte>(utf8.Length, pinned: true);
        utf8.CopyTo(pinned, 0);
        _nameBuffers[slot] = pinned;
        return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
    }

    // ---- running -------------------------------------------------------------------------------------

    private static OrtValueHandle Wrap(OrtApi api, nint memoryInfo, in NamedTensor tensor, ref MemoryHandle pin)
    {
        pin = tensor.Data.Pin();
        nint value;
        fixed (long* shape = tensor.Shape)
            api.Check(api.CreateTensorWithDataAsOrtValue(memoryInfo, pin.Pointer,
                (nuint)tensor.Data.Length * sizeof(float), shape, (nuint)tensor.Shape.Length,
                (int)TensorElementType.Float, &value));
        return OrtHandle.Own<OrtValueHandle>(value);
    }

    private static void Resolve(ReadOnlySpan<NamedTensor> tensors, TensorInfo[] model, Dictionary<string, int> index,
        string kind, Span<int> slots)
    {
        for (var k = 0; k < tensors.Length; k++)
        {
            var t = tensors[k];
            if (t.Name is null || !index.TryGetValue(t.Name, out var slot))
                throw Invalid($"the model has no {kind} named '{t.Name}'; its {kind}s are: {NameList(model)}.");
            for (var m = 0; m < k; m++)
                if (slots[m] == slot) throw Invalid($"{kind} '{t.Name}' is given more than once.");
            slots[k] = slot;

            var info = model[slot];
            if (info.ElementType != TensorElementType.Float)
                throw Invalid($"{kind} '{info.Name}' is of type {info.ElementType}; OnnxSession.Run supports float32 tensors only.");
            if (t.Shape is null)
                throw Invalid($"{kind} '{info.Name}' has no shape; it expects {info.ExpectedShapeText()}.");
            var shape = t.Shape;
            var ok = shape.Length == info.Rank;
            for (var d = 0; ok && d < shape.Length; d++)
                ok = shape[d] > 0 && (info.Shape[d] < 0 || info.Shape[d] == shape[d]);
            if (!ok)
                throw Invalid($"{kind} '{info.Name}' expects shape {info.ExpectedShapeText()}, got {NamedTensor.FormatShape(shape)}.");
            var count = t.ElementCount();
            if (count != t.Data.Length)
                throw Invalid($"{kind} '{info.Name}' has shape {NamedTensor.FormatShape(shape)} ({count} elements) " +
                              $"but its buffer holds {t.Data.Length} floats.");
        }
    }

    /// <summary>A symbolic dimension (e.g. batch "N") must take one value across all inputs and outputs.</summary>
    private void CheckSymbolicDimensions(ReadOnlySpan<NamedTensor> inputs, ReadOnlySpan<int> inputSlots,
        ReadOnlySpan<NamedTensor> outputs, ReadOnlySpan<int> outputSlots)
    {
        var total = inputs.Length + outputs.Length;
        for (var a = 0; a < total; a++)
        {
            var infoA = a < inputs.Length ? _inputs[inputSlots[a]] : _outputs[outputSlots[a - inputs.Length]];
            var shapeA = a < inputs.Length ? inputs[a].Shape : outputs[a - inputs.Length].Shape;
            for (var da = 0; da < infoA.Rank; da++)
            {
                var symbol = infoA.DimensionNames[da];
                if (symbol.Length == 0 || infoA.Shape[da] >= 0) continue;
                for (var b = a; b < total; b++)
                {
                    var infoB = b < inputs.Length ? _inputs[inputSlots[b]] : _outputs[outputSlots[b - inputs.Length]];
                    var shapeB = b < inputs.Length ? inputs[b].Shape : outputs[b - inputs.Length].Shape;
                    for (var db = b == a ? da + 1 : 0; db < infoB.Rank; db++)
                    {
                        if (infoB.Shape[db] >= 0 || infoB.DimensionNames[db] != symbol || shapeB[db] == shapeA[da]) continue;
                        var kindA = a < inputs.Length ? "input" : "output";
                        var kindB = b < inputs.Length ? "input" : "output";
                        throw Invalid($"dimension '{symbol}' is {shapeA[da]} in {kindA} '{infoA.Name}' " +
                                      $"but {shapeB[db]} in {kindB} '{infoB.Name}'.");
                    }
                }
            }
        }
    }

    private static string NameList(TensorInfo[] infos) =>
        infos.Length == 0 ? "(none)" : string.Join(", ", infos.Select(i => $"'{i.Name}' {i.ExpectedShapeText()}"));

    private static OnnxRuntimeException Invalid(string message) => new(OrtErrorCode.InvalidArgument, message);
}
