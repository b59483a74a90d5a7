namespace Monitoring.Configuration;

/// <summary>A configuration that cannot be used. Each error names the JSON path and the fix.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors, string? configPath = null)
    : Exception(Format(errors, configPath))
{
    public IReadOnlyList<string> Errors { get; } = errors;

    public ConfigException(string error, string? configPath = null) : this([error], configPath) { }

    private static string Format(IReadOnlyList<string> errors, string? configPath)
    {
        var head = configPath is null ? "Invalid configuration" : $"Invalid configuration '{configPath}'";
        return errors.Count == 1 ? $"{head}: {errors[0]}" : $"{head}:\n  - {string.Join("\n  - ", errors)}";
    }
}
