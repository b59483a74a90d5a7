namespace Monitoring.Configuration;

/// <summary>A named zone: a polygon in source pixels, optionally with its own threshold (overrides the camera's inside it).</summary>
public sealed class ZoneOptions
{
    public string Name { get; set; } = "";
    public PolygonPoint[] Points { get; set; } = [];
    public float? Threshold { get; set; }
}
