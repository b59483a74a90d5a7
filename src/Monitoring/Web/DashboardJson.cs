using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Web;

/// <summary>The dashboard API's JSON: camelCase, nulls kept, floats as numbers (NaN as null would break the pages: none are sent).</summary>
public static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
