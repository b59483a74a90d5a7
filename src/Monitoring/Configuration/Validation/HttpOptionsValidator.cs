namespace Monitoring.Configuration;

/// <summary>The "http" section: where /healthz, /readyz and /metrics listen.</summary>
public sealed class HttpOptionsValidator : OptionsValidator<HttpOptions>
{
    public override string DefaultPath => "http";

    public override void Validate(HttpOptions o, string path, ValidationErrors e)
    {
        if (!o.Enabled) return;
        foreach (var u in o.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                e.Add($"{path}.urls", $"'{u}' is not an http URL such as http://127.0.0.1:9464");
    }
}
