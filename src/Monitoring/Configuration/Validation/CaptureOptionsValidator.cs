namespace Monitoring.Configuration;

/// <summary>The "capture" section: open/read timeouts, watchdog, reconnect backoff.</summary>
public sealed class CaptureOptionsValidator : OptionsValidator<CaptureOptions>
{
    public override string DefaultPath => "capture";

    public override void Validate(CaptureOptions o, string path, ValidationErrors e)
    {
        if (o.OpenTimeoutMs < 100) e.Add($"{path}.openTimeoutMs", "must be >= 100");
        if (o.ReadTimeoutMs < 100) e.Add($"{path}.readTimeoutMs", "must be >= 100");
        if (o.WatchdogSeconds < 0.5) e.Add($"{path}.watchdogSeconds", "must be >= 0.5");
        if (o.BackoffInitialMs < 10) e.Add($"{path}.backoffInitialMs", "must be >= 10");
        if (o.BackoffMaxMs < o.BackoffInitialMs) e.Add($"{path}.backoffMaxMs", "must be >= backoffInitialMs");
    }
}
