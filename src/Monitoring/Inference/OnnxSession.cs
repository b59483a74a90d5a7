using System.Collections.ObjectModel;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using ErrorCode = Monitoring.Inference.ErrorCode;

namespace Monitoring.Inference;

/// <summary>
/// One ONNX model in an ONNX Runtime session (the <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c> package), run on
/// caller-owned float32 buffers: inputs are read from them and outputs written into them, never copied.
/// </summary>
/// <remarks>
/// What this adds to the package: one place that picks the execution provider (CUDA, else the CPU with one
/// warning that says why), checks names and shapes before ORT runs (messages that name the tensor and the shape
/// it expects), and <see cref="Bind"/> for the hot path, which wraps fixed buffers once so that a run allocates
/// nothing. Thread safety: <see cref="Run"/> and <see cref="OnnxBinding.Run"/> may be called from several threads
/// at once (ORT's Run is thread-safe). <see cref="Dispose"/> may race with a run: the native session is released
/// when the last run in flight returns, and later calls throw <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed partial class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    private int _running;
    private int _disposed;
    private int _released;

    private OnnxSession(string modelPath, ExecutionProvider provider, InferenceSession session)
    {
        ModelPath = modelPath;
        ActiveProvider = provider;
        _session = session;
        _inputs = session.InputNames.Select(n => Describe(n, session.InputMetadata[n])).ToArray();
        _outputs = session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n])).ToArray();
        Metadata = new ReadOnlyDictionary<string, string>(
            new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal));
        _inputIndex = IndexByName(_inputs);
        _outputIndex = IndexByName(_outputs);
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
    /// <exception cref="InferenceException">ORT could not load the model (message: path and ORT's reason), or
    /// <see cref="ExecutionProvider.Cuda"/> was asked for and cannot be enabled (message: what is missing and the fix).</exception>
    /// <param name="modelBytes">The model to load in place of the file's content (a copy of it with a camera's tuned
    /// weights written in); <paramref name="modelPath"/> still names it in messages.</param>
    public static OnnxSession Load(string modelPath, OnnxSessionOptions options, ILogger? logger = null, byte[]? modelBytes = null)
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

        InferenceSession? session = null;
        var active = ExecutionProvider.Cpu;
        string? whyNotCuda = null;
        if (options.Provider is ExecutionProvider.Cuda or ExecutionProvider.Auto)
        {
            try
            {
                session = CreateSession(fullPath, options, cuda: true, modelBytes);
                active = ExecutionProvider.Cuda;
            }
            catch (InferenceException e) when (options.Provider == ExecutionProvider.Auto && e.Data.Contains(CudaFailure))
            {
                whyNotCuda = e.OrtMessage;
            }
        }
        if (session is null)
        {
            // A model that cannot load on the CPU either throws here, without a misleading CUDA warning.
            session = CreateSession(fullPath, options, cuda: false, modelBytes);
            if (whyNotCuda is not null)
                logger?.LogWarning(
                    "ONNX Runtime: the CUDA execution provider is unavailable, running {Model} on the CPU (provider " +
                    "'auto'). Reason: {Reason} The GPU needs an NVIDIA driver and the CUDA 13 and cuDNN 9 runtime " +
                    "libraries on the loader path ({CudaLibrary} of ONNX Runtime {Version} links against them); set " +
                    "provider to 'cpu' to silence this warning.",
                    Path.GetFileName(fullPath), whyNotCuda, OnnxRuntimeInfo.CudaProviderLibrary, OnnxRuntimeInfo.Version);
        }

        try
        {
            var loaded = new OnnxSession(fullPath, active, session);
            logger?.LogInformation("ONNX model {Model} loaded on {Provider} (ONNX Runtime {Version}): inputs {Inputs}, outputs {Outputs}",
                fullPath, active, OnnxRuntimeInfo.Version, string.Join("; ", loaded._inputs.Select(i => i.ToString())),
                string.Join("; ", loaded._outputs.Select(o => o.ToString())));
            return loaded;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model: reads each input from its buffer and writes each requested output into its buffer.
    /// Every model input must be given once; outputs may be any non-empty subset of the model's outputs.
    /// Each call wraps the buffers anew (a few small managed objects); a loop over fixed buffers should
    /// <see cref="Bind"/> them once instead.
    /// </summary>
    /// <exception cref="InferenceException">A name, shape or buffer length does not match the model (checked
    /// before ORT is called; the message names the tensor and the expected shape), or ORT failed.</exception>
    public void Run(ReadOnlySpan<NamedTensor> inputs, ReadOnlySpan<NamedTensor> outputs)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Check(inputs, outputs);
        var values = new List<OrtValue>(inputs.Length + outputs.Length);
        try
        {
            var inputNames = new string[inputs.Length];
            var outputNames = new string[outputs.Length];
            for (var k = 0; k < inputs.Length; k++)
            {
                inputNames[k] = inputs[k].Name;
                values.Add(Wrap(inputs[k]));
            }
            for (var k = 0; k < outputs.Length; k++)
            {
                outputNames[k] = outputs[k].Name;
                values.Add(Wrap(outputs[k]));
            }
            Enter();
            try
            {
                _session.Run(_runOptions, inputNames, values.GetRange(0, inputs.Length), outputNames,
                    values.GetRange(inputs.Length, outputs.Length));
            }
            catch (OnnxRuntimeException e)
            {
                throw RunFailed(e);
            }
            finally
            {
                Exit();
            }
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>
    /// Checks the tensors as <see cref="Run"/> does and wraps their buffers once: the returned binding's
    /// <see cref="OnnxBinding.Run"/> runs the model on whatever the buffers hold then, with no allocation.
    /// The buffers stay pinned until the binding is disposed.
    /// </summary>
    public OnnxBinding Bind(ReadOnlySpan<NamedTensor> inputs, ReadOnlySpan<NamedTensor> outputs)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Check(inputs, outputs);
        var values = new List<OrtValue>(inputs.Length + outputs.Length);
        OrtIoBinding? binding = null;
        try
        {
            binding = _session.CreateIoBinding();
            foreach (var t in inputs)
            {
                var v = Wrap(t);
                values.Add(v);
                binding.BindInput(t.Name, v);
            }
            foreach (var t in outputs)
            {
                var v = Wrap(t);
                values.Add(v);
                binding.BindOutput(t.Name, v);
            }
            return new OnnxBinding(this, binding, values);
        }
        catch
        {
            binding?.Dispose();
            foreach (var v in values) v.Dispose();
            throw;
        }
    }

    internal void RunBound(OrtIoBinding binding)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Enter();
        try
        {
            _session.RunWithBinding(_runOptions, binding);
        }
        catch (OnnxRuntimeException e)
        {
            throw RunFailed(e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Releases the native session (after any run in flight); safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (Volatile.Read(ref _running) == 0) Release();
    }

    public override string ToString() =>
        $"{Path.GetFileName(ModelPath)} on {ActiveProvider}: inputs {NameList(_inputs)}; outputs {NameList(_outputs)}";

    // ---- lifetime: a run holds the session; the last one out after Dispose releases it -----------------

    private void Enter()
    {
        Interlocked.Increment(ref _running);
        if (Volatile.Read(ref _disposed) == 0) return;
        Exit();
        throw new ObjectDisposedException(nameof(OnnxSession));
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _disposed) != 0) Release();
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _session.Dispose();
        _runOptions.Dispose();
    }

    // ---- loading -------------------------------------------------------------------------------------

    private const string CudaFailure = "monitoring.cuda";

    private static InferenceSession CreateSession(string fullPath, OnnxSessionOptions options, bool cuda, byte[]? modelBytes)
    {
        // First: it makes the process's ORT environment (with our log callback) before anything else touches ORT.
        using var log = OnnxRuntimeInfo.Capture();
        using var so = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = options.Optimization,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            EnableCpuMemArena = options.CpuMemoryArena,
        };
        if (!options.IntraOpSpinning) so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (cuda)
        {
            try
            {
                so.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            }
            // The CPU-only package has no CUDA entry point at all and says so with EntryPointNotFoundException.
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException)
            {
                throw CudaUnavailable(options.CudaDeviceId, e, log.Messages);
            }
        }
        try
        {
            return modelBytes is null ? new InferenceSession(fullPath, so) : new InferenceSession(modelBytes, so);
        }
        catch (OnnxRuntimeException e)
        {
            if (cuda && LooksLikeCuda(e.Message)) throw CudaUnavailable(options.CudaDeviceId, e, log.Messages);
            var (code, message) = Split(e);
            var on = cuda ? " with the CUDA execution provider" : "";
            throw new InferenceException(code, $"ONNX Runtime could not load the model '{fullPath}'{on}: {message}", message, e);
        }
    }

    private static bool LooksLikeCuda(string message) =>
        message.Contains("CUDA", StringComparison.OrdinalIgnoreCase) || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("cublas", StringComparison.OrdinalIgnoreCase);

    private static InferenceException CudaUnavailable(int deviceId, Exception e, IReadOnlyList<string> ortLog)
    {
        var (code, message) = e is OnnxRuntimeException ort ? Split(ort) : (ErrorCode.Fail, e.Message);
        // The exception says only "Failed to load shared library"; ORT logged which library and why (a missing CUDA one).
        if (ortLog.Count > 0) message = $"{message.TrimEnd('.')}: {string.Join(" ", ortLog).TrimEnd('.')}.";
        var error = new InferenceException(code,
            $"The CUDA execution provider could not be enabled (device {deviceId}): {message} " +
            $"ONNX Runtime {OnnxRuntimeInfo.Version}'s {OnnxRuntimeInfo.CudaProviderLibrary} (shipped in " +
            $"{OnnxRuntimeInfo.NativeDirectory}) needs an NVIDIA driver with a visible device and the CUDA 13 and cuDNN 9 " +
            "runtime libraries on the loader path. Fix: install them (e.g. NVIDIA's cuda-runtime and cudnn9-cuda-13 " +
            "packages), or set provider to 'cpu' (or 'auto', which falls back to the CPU with a warning).",
            message, e);
        error.Data[CudaFailure] = true;
        return error;
    }

    private static TensorInfo Describe(string name, NodeMetadata meta)
    {
        var dims = meta.IsTensor ? meta.Dimensions : [];
        var symbols = meta.IsTensor ? meta.SymbolicDimensions : [];
        var shape = new long[dims.Length];
        var names = new string[dims.Length];
        for (var d = 0; d < dims.Length; d++)
        {
            shape[d] = dims[d] < 0 ? -1 : dims[d];
            names[d] = d < symbols.Length ? symbols[d] ?? "" : "";
        }
        return new TensorInfo(name, meta.IsTensor, meta.IsTensor ? meta.ElementDataType : default, shape, names);
    }

    private static Dictionary<string, int> IndexByName(TensorInfo[] infos)
    {
        var index = new Dictionary<string, int>(infos.Length, StringComparer.Ordinal);
        for (var i = 0; i < infos.Length; i++) index[infos[i].Name] = i;
        return index;
    }

    // ---- running -------------------------------------------------------------------------------------

    private static OrtValue Wrap(in NamedTensor tensor) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tensor.Data, tensor.Shape);

    private InferenceException RunFailed(OnnxRuntimeException e)
    {
        var (code, message) = Split(e);
        return new InferenceException(code, $"ONNX Runtime failed to run '{Path.GetFileName(ModelPath)}': {message}", message, e);
    }

    /// <summary>ORT's managed exception carries its code only in the text: "[ErrorCode:InvalidProtobuf] message".</summary>
    private static (ErrorCode Code, string Message) Split(OnnxRuntimeException e)
    {
        var m = ErrorPrefix().Match(e.Message);
        if (!m.Success) return (ErrorCode.Fail, e.Message);
        var code = Enum.TryParse<ErrorCode>(m.Groups[1].Value, out var c) ? c : ErrorCode.Fail;
        return (code, e.Message[m.Length..].Trim());
    }

    [GeneratedRegex(@"^\[ErrorCode:(\w+)\]")]
    private static partial Regex ErrorPrefix();

    private void Check(ReadOnlySpan<NamedTensor> inputs, ReadOnlySpan<NamedTensor> outputs)
    {
        if (outputs.IsEmpty)
            throw Invalid($"Run needs at least one output buffer; the model's outputs are: {NameList(_outputs)}.");
        Span<int> inputSlots = stackalloc int[inputs.Length];
        Span<int> outputSlots = stackalloc int[outputs.Length];
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
            if (!info.IsFloatTensor)
                throw Invalid($"{kind} '{info.Name}' is {(info.IsTensor ? $"of type {info.ElementType}" : "not a tensor")}; " +
                              "OnnxSession.Run supports float32 tensors only.");
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

    private static InferenceException Invalid(string message) => new(ErrorCode.InvalidArgument, message);
}

/// <summary>
/// Fixed buffers bound to an <see cref="OnnxSession"/> (<see cref="OnnxSession.Bind"/>): <see cref="Run"/> runs the
/// model on them with no managed allocation. One binding must not run on two threads at once.
/// </summary>
public sealed class OnnxBinding : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OrtIoBinding _binding;
    private readonly List<OrtValue> _values;
    private int _disposed;

    internal OnnxBinding(OnnxSession session, OrtIoBinding binding, List<OrtValue> values)
    {
        _session = session;
        _binding = binding;
        _values = values;
    }

    /// <summary>Runs the model: reads the bound inputs' buffers, writes the bound outputs' buffers.</summary>
    /// <exception cref="InferenceException">ORT failed.</exception>
    /// <exception cref="ObjectDisposedException">The binding or its session was disposed.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _session.RunBound(_binding);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _binding.Dispose();
        foreach (var v in _values) v.Dispose();
    }
}
