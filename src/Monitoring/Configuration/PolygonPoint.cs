namespace Monitoring.Configuration;

/// <summary>A polygon vertex in source-frame pixels; JSON <c>{ "x": 10, "y": 20 }</c>.</summary>
public sealed class PolygonPoint
{
    public double X { get; set; }
    public double Y { get; set; }
}
