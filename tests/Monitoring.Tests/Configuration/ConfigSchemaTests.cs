using System.Collections;
using System.Reflection;
using System.Text.Json;
using Monitoring.Configuration;

namespace Monitoring.Tests.Configuration;

/// <summary>docs/config.schema.json documents exactly the settings the options classes bind.</summary>
public sealed class ConfigSchemaTests
{
    private static readonly JsonDocument Schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "config.schema.json")));

    [Fact]
    public void Every_bindable_setting_is_documented_and_nothing_else()
    {
        var problems = new List<string>();
        Compare(typeof(MonitoringOptions), Schema.RootElement, "", problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static JsonElement Resolve(JsonElement node)
    {
        if (node.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!.Split('/')[^1];
            return Schema.RootElement.GetProperty("$defs").GetProperty(name);
        }
        return node;
    }

    private static void Compare(Type type, JsonElement node, string path, List<string> problems)
    {
        node = Resolve(node);
        if (!node.TryGetProperty("properties", out var props))
        {
            problems.Add($"{path}: schema has no properties for {type.Name}");
            return;
        }
        var bound = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic).ToList();
        var names = bound.Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).ToHashSet();
        foreach (var doc in props.EnumerateObject().Select(p => p.Name).Where(n => !names.Contains(n)))
            problems.Add($"{path}.{doc}: documented but not bound");
        foreach (var p in bound)
        {
            var name = char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            if (!props.TryGetProperty(name, out var child))
            {
                problems.Add($"{path}.{name}: bound but not documented");
                continue;
            }
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (t.IsArray || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)))
            {
                var element = t.IsArray ? t.GetElementType()! : t.GetGenericArguments()[0];
                if (IsOptionsClass(element)) Compare(element, Resolve(child).GetProperty("items"), $"{path}.{name}[]", problems);
            }
            else if (t.IsGenericType && typeof(IDictionary).IsAssignableFrom(t))
            {
                var value = t.GetGenericArguments()[1];
                if (IsOptionsClass(value)) Compare(value, Resolve(child).GetProperty("additionalProperties"), $"{path}.{name}{{}}", problems);
            }
            else if (IsOptionsClass(t))
            {
                Compare(t, child, $"{path}.{name}", problems);
            }
        }
    }

    private static bool IsOptionsClass(Type t) => t.IsClass && t != typeof(string) && t.Namespace?.StartsWith("Monitoring", StringComparison.Ordinal) == true;
}
