namespace Monitoring.Configuration;

/// <summary>An ignore polygon in source pixels: map cells whose centre lies inside are zeroed before labelling.</summary>
public sealed class MaskOptions
{
    public string? Name { get; set; }
    public PolygonPoint[] Points { get; set; } = [];
}
