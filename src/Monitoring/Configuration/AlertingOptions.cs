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

    public IReadOnlyList<string> Validate(string path = "alerts")
    {
        var errors = new List<string>();
        errors.AddRange(Regions.Validate($"{path}.regions"));
        foreach (var (camera, regions) in Cameras) errors.AddRange(regions.Validate($"{path}.cameras.{camera}"));
        errors.AddRange(Events.Validate($"{path}.events"));
        errors.AddRange(Outbox.Validate($"{path}.outbox"));
        errors.AddRange(Snapshots.Validate($"{path}.snapshots"));
        if (JsonlMaxBytes < 0)
            errors.Add($"{path}.jsonlMaxBytes is {JsonlMaxBytes}: use 0 (never rotate) or a size in bytes, e.g. 67108864.");
        else if (JsonlMaxBytes is > 0 and < 4096)
            errors.Add($"{path}.jsonlMaxBytes is {JsonlMaxBytes}: a file that small holds only a few alerts; use at least 4096 bytes, or 0 to never rotate.");
        if (JsonlKeepFiles is < 0 or > 1000)
            errors.Add($"{path}.jsonlKeepFiles is {JsonlKeepFiles}: use 0 to 1000 rotated files.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Webhooks.Length; i++)
        {
            var webhookErrors = Webhooks[i].Validate($"{path}.webhooks[{i}]");
            errors.AddRange(webhookErrors);
            if (webhookErrors.Count == 0 && !names.Add(Webhooks[i].EffectiveName))
                errors.Add($"{path}.webhooks[{i}].name '{Webhooks[i].EffectiveName}' is used twice: give each webhook a distinct \"name\".");
        }
        return errors;
    }

    /// <summary>Throws <see cref="AlertConfigurationException"/> listing every error, each naming its JSON path.</summary>
    public void ThrowIfInvalid(string path = "alerts")
    {
        var errors = Validate(path);
        if (errors.Count > 0) throw new AlertConfigurationException(errors);
    }
}
