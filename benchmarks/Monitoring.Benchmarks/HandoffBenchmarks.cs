using BenchmarkDotNet.Attributes;
using Monitoring.Analysis;
using Monitoring.Capture;

namespace Monitoring.Benchmarks;

/// <summary>
/// What travels per frame between the stages: a <see cref="Frame"/> (pooled grey 192×128 and BGR 768×576 buffers)
/// and the <see cref="ScoredFrame"/> that carries it with a pooled copy of the 24×16 map, created and disposed on one
/// thread. (Across threads and with many frames in flight the shared pool behaves differently: the pipeline run's
/// allocated bytes per frame, in <c>monitoring bench</c>, is the in-situ figure.)
/// </summary>
[MemoryDiagnoser]
public class HandoffBenchmarks
{
    private readonly float[] _map = new float[24 * 16];

    [Benchmark]
    public float FrameAndAnalyzedFrame()
    {
        var frame = new Frame("cam01", 1, DateTimeOffset.UnixEpoch, 192, 128, 768, 576, 768, 576);
        using var analysed = new ScoredFrame(frame, 0.1f, _map, 24, 16, learning: false, "profile");
        return analysed.Score;
    }
}
