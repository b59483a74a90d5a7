namespace Monitoring.Configuration;

/// <summary>
/// The "alerts" configuration section: <c>{ "regions": {...}, "cameras": { "door": { ...region options... } },
/// "events": {...}, "webhooks": [ {...} ], "outbox": {...}, "snapshots": {...}, "jsonlPath": "alerts.jsonl" }</c>.
/// <c>cameras</c> replaces (does not merge with) <c>regions</c> for the cameras it names.
/// </summary>
public sealed class AlertingOptions
{
    public RegionOptions Regions { get; set; } = new();
    public Dictionary<string, RegionOptions> Cameras { get; set; } = new(StringComparer.Ordinal);
    public EventOptions Events { get; set; } = new();
    public WebhookOptions[] Webhooks { get; set; } = [];
    public OutboxOptions Outbox { get; set; } = new();
    public SnapshotOptions Snapshots { get; set; } = new();
    public string? JsonlPath { get; set; }
    /// <summary>Rotate the JSON-lines file before it would pass this size (bytes); 0 = never rotate.</summary>
    public long JsonlMaxBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>Rotated JSON-lines files kept (alerts.jsonl.1 … .N), the oldest deleted first.</summary>
    public int JsonlKeepFiles { get; set; } = 5;

    public RegionOptions RegionsFor(string cameraId) => Cameras.TryGetValue(cameraId, out var r) ? r : Regions;
}
