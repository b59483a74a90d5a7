namespace Monitoring.Web;

/// <summary>One analysed frame on the camera page's chart: when, its frame score, its hottest cell and the region threshold.</summary>
public readonly record struct ScoreSample(long UnixMs, float Score, float Peak, float? Threshold);
