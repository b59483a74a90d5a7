namespace Monitoring.Configuration;

/// <summary>"alerts.regions" and each "alerts.cameras.ID": thresholds, minimum areas, masks and zones.</summary>
public sealed class RegionOptionsValidator : OptionsValidator<RegionOptions>
{
    public override string DefaultPath => "alerts.regions";

    public override void Validate(RegionOptions o, string path, ValidationErrors errors)
    {
        if (o.Threshold is { } t && (t <= 0 || t > 1 || float.IsNaN(t)))
            errors.Add($"{path}.threshold is {t}: use a probability in (0, 1], or leave it out to use the threshold each camera's profile derived.");
        if (o.FrameTailProbability is { } q && !(q >= 0 && q < 1))
            errors.Add($"{path}.frameTailProbability is {q}: use a probability in [0, 1) (0 turns frame-score alerts off), or leave it out to use the one each camera's profile derived.");
        if (o.MinAreaCells < 1) errors.Add($"{path}.minAreaCells is {o.MinAreaCells}: use 1 or more.");
        if (o.MinAreaPixels < 0) errors.Add($"{path}.minAreaPixels is {o.MinAreaPixels}: use 0 or more.");
        for (int i = 0; i < o.Masks.Length; i++)
            if (o.Masks[i].Points.Length < 3)
                errors.Add($"{path}.masks[{i}].points has {o.Masks[i].Points.Length} points: a mask polygon needs at least 3 {{\"x\",\"y\"}} points in source pixels.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < o.Zones.Length; i++)
        {
            var zone = o.Zones[i];
            var at = $"{path}.zones[{i}]";
            if (string.IsNullOrWhiteSpace(zone.Name)) errors.Add($"{at}.name is empty: give the zone a name (it appears in alerts).");
            if (zone.Points.Length < 3) errors.Add($"{at}.points has {zone.Points.Length} points: a zone polygon needs at least 3 {{\"x\",\"y\"}} points in source pixels.");
            if (zone.Threshold is { } zt && (zt <= 0 || zt > 1 || float.IsNaN(zt))) errors.Add($"{at}.threshold is {zt}: use a probability in (0, 1].");
            if (!string.IsNullOrWhiteSpace(zone.Name) && !names.Add(zone.Name))
                errors.Add($"{at}.name '{zone.Name}' is used twice: zone names must be unique per camera.");
        }
    }
}
