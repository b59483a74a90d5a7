namespace Monitoring.Configuration;

/// <summary>An ignore polygon in source pixels: map cells whose centre lies inside are zeroed before labelling.</summary>
public sealed class MaskOptions
{
    public string? Name { get; set; }
    public PolygonPoint[] Points { get; set; } = [];

    public IReadOnlyList<string> Validate(string path) =>
        Points.Length < 3
            ? [$"{path}.points has {Points.Length} points: a mask polygon needs at least 3 {{\"x\",\"y\"}} points in source pixels."]
            : [];
}
