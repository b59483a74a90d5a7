using Microsoft.ML.OnnxRuntime;

namespace Monitoring.Inference;

/// <summary>How <see cref="OnnxSession.Load"/> sets up a session.</summary>
/// <param name="Provider">Execution provider; see <see cref="ExecutionProvider"/>.</param>
/// <param name="IntraOpThreads">Threads inside one operator; 0 = ONNX Runtime's default (one per physical core).</param>
/// <param name="InterOpThreads">Threads across operators (sequential execution uses 1); 0 = ORT's default.</param>
/// <param name="Optimization">Graph optimisation level applied when the model loads.</param>
/// <param name="CudaDeviceId">CUDA device for <see cref="ExecutionProvider.Cuda"/> / <see cref="ExecutionProvider.Auto"/>.</param>
/// <param name="IntraOpSpinning">Whether idle intra-op threads spin (ORT's default, <c>session.intra_op.allow_spinning</c>):
/// lower latency per call, but the spinning burns CPU that capture threads could use on a small machine.</param>
/// <param name="CpuMemoryArena">ORT's CPU memory arena (its default): buffers kept for reuse between runs. Off for the many
/// small sessions of cameras with their own predictor, where each arena would hold its own peak (decision 0021).</param>
public sealed record OnnxSessionOptions(
    ExecutionProvider Provider = ExecutionProvider.Auto,
    int IntraOpThreads = 0,
    int InterOpThreads = 1,
    GraphOptimizationLevel Optimization = GraphOptimizationLevel.ORT_ENABLE_ALL,
    int CudaDeviceId = 0,
    bool IntraOpSpinning = true,
    bool CpuMemoryArena = true)
{
    /// <summary>CPU only, ORT's default thread counts: what tests and tools use.</summary>
    public static OnnxSessionOptions Cpu { get; } = new(ExecutionProvider.Cpu);

    /// <exception cref="ArgumentOutOfRangeException">A thread count or the device id is negative, or an enum is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(InterOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(CudaDeviceId);
        if (!Enum.IsDefined(Provider)) throw new ArgumentOutOfRangeException(nameof(Provider), Provider, null);
        if (!Enum.IsDefined(Optimization)) throw new ArgumentOutOfRangeException(nameof(Optimization), Optimization, null);
    }
}
