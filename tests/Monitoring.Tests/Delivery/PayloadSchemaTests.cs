using System.Text.Json;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Snapshots;

namespace Monitoring.Tests.Delivery;

/// <summary>
/// Checks real payloads against docs/alert-payload.schema.json by walking the schema: required properties, types
/// (including null), enums, $ref to $defs, oneOf, array items; and that the payload has no property the schema does
/// not list (so the schema and the code cannot drift apart silently).
/// </summary>
public class PayloadSchemaTests
{
    private static JsonElement LoadSchema()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "alert-payload.schema.json");
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        }
        throw new FileNotFoundException("docs/alert-payload.schema.json not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<object[]> Payloads()
    {
        using var dir = new TempDir();
        var script = new EventScript(new EventOptions { UpdateIntervalSeconds = 1, EndAfterQuietFrames = 2, EndGraceSeconds = 0 });
        script.Frame((2, 2, 3, 3)); script.Frame((2, 2, 3, 3)); script.Frame((3, 2, 3, 3));
        script.Quiet(2);
        var options = new SnapshotOptions { Directory = dir.Path };
        var writer = new SnapshotWriter(new FakeJpegRenderer(), new SnapshotStore(options), options);
        var frame = SyntheticMaps.Frame(new float[4], 2, 2, 2, 2) with { Pixels = new FramePixels(new byte[12], 2, 2) };
        foreach (var message in script.Messages)
        {
            var withSnapshot = writer.Attach(message, frame);
            yield return [message.Type + "#" + message.Sequence, AlertJson.Serialize(withSnapshot)];
        }
        // The other two end reasons (the one above is "quiet"): a camera gone silent, and a stop.
        script.Frame((2, 2, 3, 3)); script.Frame((2, 2, 3, 3));
        foreach (var message in script.Tracker.EndStale()) yield return ["end-stale#" + message.Sequence, AlertJson.Serialize(message)];
        script.Frame((2, 2, 3, 3)); script.Frame((2, 2, 3, 3));
        foreach (var message in script.Tracker.EndAll(script.Next)) yield return ["end-shutdown#" + message.Sequence, AlertJson.Serialize(message)];
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Payload_matches_the_schema(string name, string json)
    {
        _ = name;
        var schema = LoadSchema();
        var errors = new List<string>();
        Check(schema, schema, JsonDocument.Parse(json).RootElement, "$", errors);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Schema_walker_catches_a_missing_required_property()
    {
        var schema = LoadSchema();
        var json = AlertJson.Serialize(Messages.Make(1)).Replace("\"eventId\"", "\"eventIdent\"", StringComparison.Ordinal);
        var errors = new List<string>();
        Check(schema, schema, JsonDocument.Parse(json).RootElement, "$", errors);
        Assert.Contains(errors, e => e.Contains("eventId", StringComparison.Ordinal));
    }

    [Fact]
    public void All_three_lifecycle_types_were_checked()
    {
        Assert.Equal(["end", "new", "update"], Payloads().Select(p => ((string)p[0]).Split('#', '-')[0].ToLowerInvariant()).Distinct().Order());
    }

    [Fact]
    public void All_three_end_reasons_were_checked_and_only_ends_carry_one()
    {
        var bodies = Payloads().Select(p => JsonDocument.Parse((string)p[1]).RootElement).ToList();
        Assert.Equal(["quiet", "shutdown", "stale"], bodies.Where(b => b.GetProperty("type").GetString() == "end")
            .Select(b => b.GetProperty("endReason").GetString()!).Order());
        Assert.All(bodies.Where(b => b.GetProperty("type").GetString() != "end"),
            b => Assert.Equal(JsonValueKind.Null, b.GetProperty("endReason").ValueKind));
    }

    [Fact]
    public void Schema_walker_catches_an_unknown_end_reason()
    {
        var schema = LoadSchema();
        var json = AlertJson.Serialize(Messages.Make(1, type: AlertLifecycle.End) with { EndReason = EndReason.Stale })
            .Replace("\"endReason\":\"stale\"", "\"endReason\":\"bored\"", StringComparison.Ordinal);
        Assert.Contains("bored", json);
        var errors = new List<string>();
        Check(schema, schema, JsonDocument.Parse(json).RootElement, "$", errors);
        Assert.Contains(errors, e => e.Contains("endReason", StringComparison.Ordinal));
    }

    private static void Check(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = root;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/')) target = target.GetProperty(part);
            Check(root, target, value, path, errors);
            return;
        }
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            int matches = oneOf.EnumerateArray().Count(option =>
            {
                var optionErrors = new List<string>();
                Check(root, option, value, path, optionErrors);
                return optionErrors.Count == 0;
            });
            if (matches != 1) errors.Add($"{path}: matches {matches} of the oneOf options");
            return;
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            if (!allowed.Any(t => IsType(value, t)))
            {
                errors.Add($"{path}: {value.ValueKind} is not {string.Join("|", allowed)}");
                return;
            }
        }
        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.ToString() == value.ToString()))
            errors.Add($"{path}: '{value}' is not one of {values}");
        if (schema.TryGetProperty("const", out var constant) && constant.ToString() != value.ToString())
            errors.Add($"{path}: '{value}' is not {constant}");
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                    if (!value.TryGetProperty(name, out _)) errors.Add($"{path}: required property '{name}' is missing");
            if (schema.TryGetProperty("properties", out var properties))
            {
                foreach (var property in value.EnumerateObject())
                {
                    if (properties.TryGetProperty(property.Name, out var propertySchema)) Check(root, propertySchema, property.Value, $"{path}.{property.Name}", errors);
                    else errors.Add($"{path}: property '{property.Name}' is not in the schema");
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            int i = 0;
            foreach (var item in value.EnumerateArray()) Check(root, items, item, $"{path}[{i++}]", errors);
        }
    }

    private static bool IsType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => false,
    };
}
