namespace Monitoring.Configuration;

/// <summary>Invalid alerting configuration; each error names its JSON path (e.g. alerts.webhooks[1].url) and the fix.</summary>
public sealed class AlertConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid alerting configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
