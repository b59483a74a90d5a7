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

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Threshold is { } t && (t <= 0 || t > 1 || float.IsNaN(t)))
            errors.Add($"{path}.threshold is {t}: use a probability in (0, 1], or leave it out to use the threshold each camera's profile derived.");
        if (MinAreaCells < 1) errors.Add($"{path}.minAreaCells is {MinAreaCells}: use 1 or more.");
        if (MinAreaPixels < 0) errors.Add($"{path}.minAreaPixels is {MinAreaPixels}: use 0 or more.");
        for (int i = 0; i < Masks.Length; i++) errors.AddRange(Masks[i].Validate($"{path}.masks[{i}]"));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Zones.Length; i++)
        {
            errors.AddRange(Zones[i].Validate($"{path}.zones[{i}]"));
            if (!string.IsNullOrWhiteSpace(Zones[i].Name) && !names.Add(Zones[i].Name))
                errors.Add($"{path}.zones[{i}].name '{Zones[i].Name}' is used twice: zone names must be unique per camera.");
        }
        return errors;
    }
}
