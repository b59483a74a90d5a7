namespace Monitoring.Configuration;

/// <summary>The whole file: every section's validator, then what spans sections (camera ids, alerts.cameras naming them).</summary>
public sealed class MonitoringOptionsValidator : OptionsValidator<MonitoringOptions>
{
    private readonly PipelineOptionsValidator _pipeline = new();
    private readonly CaptureOptionsValidator _capture = new();
    private readonly CameraOptionsValidator _camera = new();
    private readonly LoggingOptionsValidator _logging = new();
    private readonly HttpOptionsValidator _http = new();
    private readonly DashboardOptionsValidator _dashboard = new();
    private readonly AlertingOptionsValidator _alerts = new();

    /// <summary>The root: the sections' own paths ("model", "cameras[0]", "alerts.events", …) are used as they are.</summary>
    public override string DefaultPath => "";

    public override void Validate(MonitoringOptions o, string path, ValidationErrors errors)
    {
        new ModelOptionsValidator(o.ResolvePath).Validate(o.Model, "model", errors);
        _pipeline.Validate(o.Pipeline, "pipeline", errors);
        _capture.Validate(o.Capture, "capture", errors);
        _logging.Validate(o.Logging, "logging", errors);
        _http.Validate(o.Http, "http", errors);
        _dashboard.Validate(o.Dashboard, "dashboard", errors);
        _alerts.Validate(o.Alerts, "alerts", errors);
        foreach (var id in o.Alerts.Cameras.Keys.Where(id => o.Cameras.All(c => c.Id != id)))
            errors.Add($"alerts.cameras.{id}", $"names camera '{id}', which is not in cameras[]; fix the id or remove the entry");
        if (o.Cameras.Count == 0)
            errors.Add("cameras", "no camera is configured; add at least one { \"id\": ..., \"url\": ... }");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Cameras.Count; i++)
        {
            var at = $"cameras[{i}]";
            _camera.Validate(o.Cameras[i], at, errors);
            if (!string.IsNullOrEmpty(o.Cameras[i].Id) && !seen.Add(o.Cameras[i].Id))
                errors.Add($"{at}.id", $"camera id '{o.Cameras[i].Id}' is used twice; ids must be unique");
        }
    }
}
