namespace Monitoring.Configuration;

/// <summary>
/// The operator's web dashboard (<c>/dashboard/</c>), served on the same host and port as /metrics (<c>http.urls</c>).
/// On loopback it is open; bound wider it requires the token held by the variable <see cref="TokenEnv"/>.
/// </summary>
public sealed class DashboardOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>The environment variable holding the access token (Bearer, or the password of basic auth).</summary>
    public string TokenEnv { get; set; } = "MONITORING_DASHBOARD_TOKEN";
    /// <summary>Most frames per second rendered per camera for viewers (only while someone watches).</summary>
    public double MaxFps { get; set; } = 2;
    /// <summary>How far back the camera page's score chart reaches.</summary>
    public int ChartSeconds { get; set; } = 300;
    /// <summary>Alert messages the timeline keeps in memory (newest first).</summary>
    public int MaxEvents { get; set; } = 500;

    public void Validate(ValidationErrors e, string path)
    {
        if (!Enabled) return;
        if (string.IsNullOrWhiteSpace(TokenEnv) || TokenEnv.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            e.Add($"{path}.tokenEnv", $"'{TokenEnv}' is not an environment variable name; use letters, digits and '_', e.g. \"MONITORING_DASHBOARD_TOKEN\"");
        if (MaxFps is not (> 0 and <= 10)) e.Add($"{path}.maxFps", $"{MaxFps} is out of range; use (0, 10] frames per second");
        if (ChartSeconds is < 10 or > 3600) e.Add($"{path}.chartSeconds", $"{ChartSeconds} is out of range; use 10..3600");
        if (MaxEvents is < 10 or > 100_000) e.Add($"{path}.maxEvents", $"{MaxEvents} is out of range; use 10..100000");
    }
}
