namespace Monitoring.Configuration;

/// <summary>The "dashboard" section: the operator's web pages on the http host.</summary>
public sealed class DashboardOptionsValidator : OptionsValidator<DashboardOptions>
{
    public override string DefaultPath => "dashboard";

    public override void Validate(DashboardOptions o, string path, ValidationErrors e)
    {
        if (!o.Enabled) return;
        if (string.IsNullOrWhiteSpace(o.TokenEnv) || o.TokenEnv.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            e.Add($"{path}.tokenEnv", $"'{o.TokenEnv}' is not an environment variable name; use letters, digits and '_', e.g. \"MONITORING_DASHBOARD_TOKEN\"");
        if (o.MaxFps is not (> 0 and <= 10)) e.Add($"{path}.maxFps", $"{o.MaxFps} is out of range; use (0, 10] frames per second");
        if (o.ChartSeconds is < 10 or > 3600) e.Add($"{path}.chartSeconds", $"{o.ChartSeconds} is out of range; use 10..3600");
        if (o.MaxEvents is < 10 or > 100_000) e.Add($"{path}.maxEvents", $"{o.MaxEvents} is out of range; use 10..100000");
    }
}
