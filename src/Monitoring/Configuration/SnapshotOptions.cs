namespace Monitoring.Configuration;

/// <summary>
/// Snapshot storage. JSON: <c>{ "enabled": true, "directory": "snapshots", "annotated": true, "clean": true,
/// "maxFiles": 5000, "maxTotalBytes": 2147483648, "urlPrefix": null }</c>. With <see cref="UrlPrefix"/> set, messages
/// carry <c>urlPrefix + fileName</c> instead of the file path.
/// </summary>
public sealed class SnapshotOptions
{
    public bool Enabled { get; set; } = true;
    public string Directory { get; set; } = "snapshots";
    public bool Annotated { get; set; } = true;
    public bool Clean { get; set; } = true;
    public int MaxFiles { get; set; } = 5000;
    public long MaxTotalBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    public string? UrlPrefix { get; set; }

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Enabled && string.IsNullOrWhiteSpace(Directory)) errors.Add($"{path}.directory is empty: name a folder for snapshot files.");
        if (MaxFiles < 1) errors.Add($"{path}.maxFiles is {MaxFiles}: use 1 or more.");
        if (MaxTotalBytes < 1) errors.Add($"{path}.maxTotalBytes is {MaxTotalBytes}: use 1 or more.");
        if (UrlPrefix is { Length: > 0 } p && !Uri.TryCreate(p, UriKind.Absolute, out _)) errors.Add($"{path}.urlPrefix '{p}' is not an absolute URL: e.g. \"https://nvr.example/snapshots/\".");
        return errors;
    }
}
