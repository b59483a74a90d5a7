namespace Monitoring.Configuration;

/// <summary>A named zone: a polygon in source pixels, optionally with its own threshold (overrides the camera's inside it).</summary>
public sealed class ZoneOptions
{
    public string Name { get; set; } = "";
    public PolygonPoint[] Points { get; set; } = [];
    public float? Threshold { get; set; }

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add($"{path}.name is empty: give the zone a name (it appears in alerts).");
        if (Points.Length < 3) errors.Add($"{path}.points has {Points.Length} points: a zone polygon needs at least 3 {{\"x\",\"y\"}} points in source pixels.");
        if (Threshold is { } t && (t <= 0 || t > 1 || float.IsNaN(t))) errors.Add($"{path}.threshold is {t}: use a probability in (0, 1].");
        return errors;
    }
}
