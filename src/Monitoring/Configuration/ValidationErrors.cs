namespace Monitoring.Configuration;

/// <summary>Collects validation errors, each prefixed with the JSON path it concerns.</summary>
public sealed class ValidationErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;
    public bool Any => _errors.Count > 0;

    public void Add(string path, string message) => _errors.Add($"{path}: {message}");

    public void AddRange(IEnumerable<string> errors) => _errors.AddRange(errors);

    public void Require(bool condition, string path, string message)
    {
        if (!condition) Add(path, message);
    }

    public void ThrowIfAny(string? configPath = null)
    {
        if (Any) throw new ConfigException(_errors, configPath);
    }
}
