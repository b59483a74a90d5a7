using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Monitoring.Observability;

namespace Monitoring.Analysis;

/// <summary>The analysis stage's instruments (published on the Monitoring meter) and a few totals for summaries.</summary>
public sealed class PipelineMetrics
{
    private static readonly Counter<long> Analysed = MonitoringMeter.Instance.CreateCounter<long>(
        "monitoring_frames_analyzed", "frames", "Frames the model analysed, per camera");
    private static readonly Histogram<double> InferenceSeconds = MonitoringMeter.Instance.CreateHistogram<double>(
        "monitoring_inference_seconds", "s", "Wall time of one model call (a batch)");
    private static readonly Histogram<int> BatchSize = MonitoringMeter.Instance.CreateHistogram<int>(
        "monitoring_batch_size", "frames", "Frames per model call");
    private static readonly Histogram<double> FrameToResult = MonitoringMeter.Instance.CreateHistogram<double>(
        "monitoring_frame_latency_seconds", "s", "From capture of a frame to the end of its analysis");

    private readonly ConcurrentDictionary<string, long> _perCamera = new();
    private long _batches, _frames;
    private double _inferenceSeconds;

    public long Batches => Interlocked.Read(ref _batches);
    public long Frames => Interlocked.Read(ref _frames);
    public double InferenceSecondsTotal => Volatile.Read(ref _inferenceSeconds);
    public long AnalysedFor(string camera) => _perCamera.TryGetValue(camera, out var v) ? v : 0;

    public void RecordInference(int batchSize, double seconds)
    {
        InferenceSeconds.Record(seconds);
        BatchSize.Record(batchSize);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _frames, batchSize);
        double initial, computed;
        do
        {
            initial = Volatile.Read(ref _inferenceSeconds);
            computed = initial + seconds;
        } while (Interlocked.CompareExchange(ref _inferenceSeconds, computed, initial) != initial);
    }

    public void FrameAnalysed(string camera)
    {
        Analysed.Add(1, new KeyValuePair<string, object?>("camera", camera));
        _perCamera.AddOrUpdate(camera, 1, (_, v) => v + 1);
    }

    public static void RecordLatency(double seconds) => FrameToResult.Record(seconds);
}
