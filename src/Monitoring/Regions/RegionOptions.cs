namespace Monitoring.Regions;

/// <summary>
/// How one camera's anomaly map becomes regions. JSON:
/// <c>{ "threshold": 0.9, "minAreaCells": 1, "minAreaPixels": 0, "masks": [ { "points": [...] } ], "zones": [ { "name": "door", "threshold": 0.4, "points": [...] } ] }</c>.
/// A region must reach both minimums.
/// </summary>
public sealed class RegionOptions
{
    public float Threshold { get; set; } = 0.9f;
    public int MinAreaCells { get; set; } = 1;
    public long MinAreaPixels { get; set; }
    public MaskOptions[] Masks { get; set; } = [];
    public ZoneOptions[] Zones { get; set; } = [];

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Threshold <= 0 || Threshold > 1 || float.IsNaN(Threshold)) errors.Add($"{path}.threshold is {Threshold}: use a probability in (0, 1].");
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
