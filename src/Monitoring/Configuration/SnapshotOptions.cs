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
}
