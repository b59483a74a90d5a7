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

}
