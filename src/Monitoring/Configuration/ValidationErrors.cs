namespace Monitoring.Configuration;

/// <summary>
/// Collects validation errors. Each starts with the JSON path it concerns and says the fix: <see cref="Add(string, string)"/>
/// writes "path: message"; <see cref="Add(string)"/> takes an error already written that way around ("path is 0: use …").
/// </summary>
public sealed class ValidationErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;
    public bool Any => _errors.Count > 0;

    public void Add(string path, string message) => _errors.Add($"{path}: {message}");

    /// <summary>An error that names its JSON path itself, at its start.</summary>
    public void Add(string error) => _errors.Add(error);

    public void AddRange(IEnumerable<string> errors) => _errors.AddRange(errors);

    public void ThrowIfAny(string? configPath = null)
    {
        if (Any) throw new ConfigException(_errors, configPath);
    }
}
