using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Monitoring.Configuration;

/// <summary>
/// Loads config/monitoring.json: JSON → ${ENV_VAR} expansion → strict binding (unknown keys are errors)
/// → validation. Every failure is a <see cref="ConfigException"/> naming the JSON path and the fix.
/// </summary>
public static partial class ConfigLoader
{
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvReference();

    public static MonitoringOptions Load(string configPath, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var full = Path.GetFullPath(configPath);
        if (!File.Exists(full))
            throw new ConfigException($"the file does not exist; pass --config PATH (the bundled demo is config/monitoring.json)", full);

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or JsonException)
        {
            var inner = ex.InnerException?.Message ?? ex.Message;
            throw new ConfigException($"it is not valid JSON ({inner}); fix the syntax at the position given", full);
        }

        var errors = new ValidationErrors();
        foreach (var (key, value) in root.AsEnumerable().ToList())
        {
            if (value is null || !value.Contains("${", StringComparison.Ordinal)) continue;
            root[key] = EnvReference().Replace(value, m =>
            {
                var name = m.Groups[1].Value;
                var v = environment(name);
                if (v is null) errors.Add(JsonPath(key), $"refers to environment variable ${{{name}}}, which is not set; export {name} before starting");
                return v ?? "";
            });
        }
        errors.ThrowIfAny(full);

        var options = new MonitoringOptions();
        try
        {
            root.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException(Explain(ex, root), full);
        }
        options.BaseDirectory = Path.GetDirectoryName(full)!;
        foreach (var webhook in options.Alerts.Webhooks) webhook.ReadSecret(environment);
        new MonitoringOptionsValidator().Validate(options, "", errors);
        errors.ThrowIfAny(full);
        return options;
    }

    /// <summary>"cameras:0:url" → "cameras[0].url".</summary>
    public static string JsonPath(string configurationKey)
    {
        var parts = configurationKey.Split(':');
        var sb = new System.Text.StringBuilder();
        foreach (var p in parts)
        {
            if (int.TryParse(p, out _)) sb.Append('[').Append(p).Append(']');
            else
            {
                if (sb.Length > 0) sb.Append('.');
                sb.Append(p);
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"at '([A-Za-z0-9_:]+)'")]
    private static partial Regex ValueAt();

    private static string CamelPath(string key) =>
        JsonPath(string.Join(':', key.Split(':').Select(p => p.Length > 0 && char.IsUpper(p[0]) ? char.ToLowerInvariant(p[0]) + p[1..] : p)));

    [GeneratedRegex(@"not found on the instance of [\w.]+: (.*)$")]
    private static partial Regex UnknownKeys();

    private static string Explain(InvalidOperationException ex, IConfiguration root)
    {
        var unknown = UnknownKeys().Match(ex.InnerException?.Message ?? ex.Message);
        if (unknown.Success)
        {
            var names = unknown.Groups[1].Value.Split(',').Select(n => n.Trim().Trim('\'')).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var paths = root.AsEnumerable().Select(kv => kv.Key)
                .Where(k => names.Contains(k.Split(':')[^1]))
                .Select(JsonPath).Distinct().ToList();
            return $"unknown setting {string.Join(", ", paths.Count > 0 ? paths : names)}: no such option; check the spelling against docs/config.schema.json";
        }
        var detail = ex.InnerException?.Message ?? ex.Message;
        var at = ValueAt().Match(detail);
        if (at.Success)
            return $"{CamelPath(at.Groups[1].Value)}: {detail} — check the value's type against docs/config.schema.json";
        return $"unknown or unusable setting: {detail} — check the spelling against docs/config.schema.json";
    }
}
