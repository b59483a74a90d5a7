namespace Monitoring.Configuration;

/// <summary>
/// How one camera's anomaly map becomes regions. JSON:
/// <c>{ "threshold": 0.9, "minAreaCells": 1, "minAreaPixels": 0, "masks": [ { "points": [...] } ], "zones": [ { "name": "door", "threshold": 0.4, "points": [...] } ] }</c>.
/// A region must reach both minimums.
/// </summary>
public sealed class RegionOptions
{
    /// <summary>The map probability a cell must reach; null (the default) = the threshold the camera's profile derived.</summary>
    public float? Threshold { get; set; }
    /// <summary>The threshold when neither this config nor a profile gives one (a frame without a profile's threshold).</summary>
    public const float DefaultThreshold = 0.9f;
    public int MinAreaCells { get; set; } = 1;
    public long MinAreaPixels { get; set; }
    public MaskOptions[] Masks { get; set; } = [];
    public ZoneOptions[] Zones { get; set; } = [];
}
