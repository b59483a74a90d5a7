namespace Monitoring.Configuration;

/// <summary>The "alerts" section: regions (default and per camera), events, snapshots, the JSON-lines file, outbox and webhooks.</summary>
public sealed class AlertingOptionsValidator : OptionsValidator<AlertingOptions>
{
    private readonly RegionOptionsValidator _regions = new();
    private readonly EventOptionsValidator _events = new();
    private readonly OutboxOptionsValidator _outbox = new();
    private readonly SnapshotOptionsValidator _snapshots = new();
    private readonly WebhookOptionsValidator _webhook = new();

    public override string DefaultPath => "alerts";

    public override void Validate(AlertingOptions o, string path, ValidationErrors errors)
    {
        _regions.Validate(o.Regions, $"{path}.regions", errors);
        foreach (var (camera, regions) in o.Cameras) _regions.Validate(regions, $"{path}.cameras.{camera}", errors);
        _events.Validate(o.Events, $"{path}.events", errors);
        _outbox.Validate(o.Outbox, $"{path}.outbox", errors);
        _snapshots.Validate(o.Snapshots, $"{path}.snapshots", errors);
        if (o.JsonlMaxBytes < 0)
            errors.Add($"{path}.jsonlMaxBytes is {o.JsonlMaxBytes}: use 0 (never rotate) or a size in bytes, e.g. 67108864.");
        else if (o.JsonlMaxBytes is > 0 and < 4096)
            errors.Add($"{path}.jsonlMaxBytes is {o.JsonlMaxBytes}: a file that small holds only a few alerts; use at least 4096 bytes, or 0 to never rotate.");
        if (o.JsonlKeepFiles is < 0 or > 1000)
            errors.Add($"{path}.jsonlKeepFiles is {o.JsonlKeepFiles}: use 0 to 1000 rotated files.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < o.Webhooks.Length; i++)
        {
            var webhookErrors = _webhook.Check(o.Webhooks[i], $"{path}.webhooks[{i}]");
            errors.AddRange(webhookErrors);
            if (webhookErrors.Count == 0 && !names.Add(o.Webhooks[i].EffectiveName))
                errors.Add($"{path}.webhooks[{i}].name '{o.Webhooks[i].EffectiveName}' is used twice: give each webhook a distinct \"name\".");
        }
    }
}
