namespace Monitoring.Configuration;

/// <summary>"alerts.snapshots": where snapshot files go and how many are kept.</summary>
public sealed class SnapshotOptionsValidator : OptionsValidator<SnapshotOptions>
{
    public override string DefaultPath => "alerts.snapshots";

    public override void Validate(SnapshotOptions o, string path, ValidationErrors errors)
    {
        if (o.Enabled && string.IsNullOrWhiteSpace(o.Directory)) errors.Add($"{path}.directory is empty: name a folder for snapshot files.");
        if (o.MaxFiles < 1) errors.Add($"{path}.maxFiles is {o.MaxFiles}: use 1 or more.");
        if (o.MaxTotalBytes < 1) errors.Add($"{path}.maxTotalBytes is {o.MaxTotalBytes}: use 1 or more.");
        if (o.UrlPrefix is { Length: > 0 } p && !Uri.TryCreate(p, UriKind.Absolute, out _)) errors.Add($"{path}.urlPrefix '{p}' is not an absolute URL: e.g. \"https://nvr.example/snapshots/\".");
    }
}
