using System.Diagnostics.Tracing;

namespace Monitoring.Benchmarking;

/// <summary>
/// The runtime's own allocation sampling (GC AllocationTick: one event per ~100 KB allocated, naming the type of the
/// object that crossed the mark, and whether it went to the large-object heap), summed by type while
/// <see cref="Recording"/> is on. Statistical, but cheap enough to leave on during a pipeline run.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const long GcKeyword = 0x1;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Type, bool Large), long> _bytes = [];

    public volatile bool Recording;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        long amount = 0;
        var kind = 0u;
        var type = "?";
        for (var i = 0; i < e.PayloadNames.Count; i++)
        {
            switch (e.PayloadNames[i])
            {
                case "AllocationAmount64": amount = Convert.ToInt64(e.Payload![i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "AllocationKind": kind = Convert.ToUInt32(e.Payload![i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "TypeName": type = e.Payload![i] as string ?? "?"; break;
            }
        }
        lock (_gate) _bytes[(type, kind == 1)] = _bytes.GetValueOrDefault((type, kind == 1)) + amount;
    }

    /// <summary>The types that crossed most sampling marks, with their (sampled) bytes, largest first.</summary>
    public List<AllocationShare> Top(int count)
    {
        lock (_gate)
            return _bytes.OrderByDescending(kv => kv.Value).Take(count)
                .Select(kv => new AllocationShare(kv.Key.Type, kv.Key.Large, kv.Value)).ToList();
    }
}

public sealed record AllocationShare(string Type, bool LargeObjectHeap, long SampledBytes);
