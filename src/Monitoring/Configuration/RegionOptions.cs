namespace Monitoring.Configuration;

/// <summary>
/// How one camera's anomaly map becomes regions. JSON:
/// <c>{ "threshold": 0.9, "frameTailProbability": 0.0001, "minAreaCells": 1, "minAreaPixels": 0, "masks": [ { "points": [...] } ], "zones": [ { "name": "door", "threshold": 0.4, "points": [...] } ] }</c>.
/// A region must reach both minimums.
/// </summary>
public sealed class RegionOptions
{
    /// <summary>The map probability a cell must reach; null (the default) = the threshold the camera's profile derived.</summary>
    public float? Threshold { get; set; }
    /// <summary>The threshold when neither this config nor a profile gives one (a frame without a profile's threshold).</summary>
    public const float DefaultThreshold = 0.9f;
    /// <summary>
    /// Frame-score alerts: a frame whose frame score's tail probability (the share of the camera's learned normal frames
    /// scoring as high) is at or below this alerts on its hottest cells even when no cell reaches <see cref="Threshold"/>
    /// (decision 0020). Null (the default) = the camera's target false-alarm rate over the calibration's safety factor, as
    /// the profile recorded it (1e-4 for the default 0.001); 0 = off. Needs a profile with a held-out calibration.
    /// </summary>
    public double? FrameTailProbability { get; set; }
    public int MinAreaCells { get; set; } = 1;
    public long MinAreaPixels { get; set; }
    public MaskOptions[] Masks { get; set; } = [];
    public ZoneOptions[] Zones { get; set; } = [];
}
