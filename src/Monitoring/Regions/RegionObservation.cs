namespace Monitoring.Regions;

/// <summary>The regions found in one analysed frame (possibly none: quiet frames matter to event tracking).</summary>
public sealed record RegionObservation(FrameAnalysis Frame, IReadOnlyList<Region> Regions);
