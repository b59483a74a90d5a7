using System.Diagnostics.Metrics;
using Monitoring.Observability;

namespace Monitoring.Benchmarking;

/// <summary>
/// Listens to the daemon's own instruments on the "Monitoring" meter and keeps every raw measurement taken while
/// <see cref="Recording"/> is on: per-frame latencies (capture → end of the alert stage's regions and events work),
/// per-message event latencies, analysed frames, model calls. Raw values, so percentiles are exact.
/// </summary>
public sealed class PipelineProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<double> _frameLatency = [];
    private readonly List<double> _eventLatency = [];
    private long _analysed, _batches, _batchFrames;
    private double _inferenceSeconds;

    public PipelineProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != MonitoringMeter.Name) return;
            if (instrument.Name is "monitoring_frame_latency_seconds" or "monitoring_event_latency_seconds"
                or "monitoring_frames_analyzed" or "monitoring_inference_seconds" or "monitoring_batch_size")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (!Recording) return;
            lock (_gate)
            {
                switch (instrument.Name)
                {
                    case "monitoring_frame_latency_seconds": _frameLatency.Add(value); break;
                    case "monitoring_event_latency_seconds": _eventLatency.Add(value); break;
                    case "monitoring_inference_seconds": _inferenceSeconds += value; _batches++; break;
                }
            }
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (Recording && instrument.Name == "monitoring_frames_analyzed") Interlocked.Add(ref _analysed, value);
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (Recording && instrument.Name == "monitoring_batch_size") Interlocked.Add(ref _batchFrames, value);
        });
        _listener.Start();
    }

    public volatile bool Recording;

    public long Analysed => Interlocked.Read(ref _analysed);
    public long Batches { get { lock (_gate) return _batches; } }
    public long BatchFrames => Interlocked.Read(ref _batchFrames);
    public double InferenceSeconds { get { lock (_gate) return _inferenceSeconds; } }

    public List<double> FrameLatencies() { lock (_gate) return [.. _frameLatency]; }
    public List<double> EventLatencies() { lock (_gate) return [.. _eventLatency]; }

    public void Dispose() => _listener.Dispose();
}
