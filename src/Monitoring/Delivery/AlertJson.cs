using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>The one JSON shape of an alert message (webhook body, JSONL line): camelCase, lifecycle as "new"/"update"/"end", end reason as "quiet"/"stale"/"shutdown", region trigger as "map"/"frameScore".</summary>
public static class AlertJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters =
        {
            new JsonStringEnumConverter<AlertLifecycle>(JsonNamingPolicy.CamelCase, allowIntegerValues: false),
            new JsonStringEnumConverter<EndReason>(JsonNamingPolicy.CamelCase, allowIntegerValues: false),
            new JsonStringEnumConverter<Regions.RegionTrigger>(JsonNamingPolicy.CamelCase, allowIntegerValues: false),
        },
        WriteIndented = false,
    };

    public static string Serialize(AlertMessage message) => JsonSerializer.Serialize(message, Options);

    public static AlertMessage Deserialize(string json) =>
        JsonSerializer.Deserialize<AlertMessage>(json, Options) ?? throw new JsonException("Alert message JSON was null.");
}
