namespace Monitoring.Delivery;

/// <summary>
/// One webhook. JSON: <c>{ "name": "ops", "url": "https://hooks.example/monitoring", "secretEnv": "MONITORING_OPS_SECRET",
/// "cameras": ["door", "yard"] }</c>. <c>cameras</c> empty or absent: every camera. <c>name</c> defaults to the URL
/// without query; it keys the webhook's outbox rows, so keep it stable across restarts.
/// </summary>
public sealed class WebhookOptions
{
    public string? Name { get; set; }
    public string Url { get; set; } = "";
    public string SecretEnv { get; set; } = "";
    public string[] Cameras { get; set; } = [];

    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            errors.Add($"{path}.url '{WebhookEndpoint.Redact(Url)}' is not an absolute http(s) URL: write it like \"https://hooks.example.com/monitoring\".");
        if (string.IsNullOrWhiteSpace(SecretEnv))
            errors.Add($"{path}.secretEnv is empty: name the environment variable that holds the signing secret (\"whsec_<base64>\" or a plain string).");
        else
        {
            var value = Environment.GetEnvironmentVariable(SecretEnv);
            if (string.IsNullOrEmpty(value))
                errors.Add($"{path}.secretEnv names '{SecretEnv}', which is not set or empty: export {SecretEnv}=whsec_<base64 secret> before starting.");
            else if (!WebhookSecret.TryParse(value, out _))
                errors.Add($"{path}.secretEnv: the value of '{SecretEnv}' starts with \"whsec_\" but the rest is not valid base64: fix the value or drop the prefix to use it as a plain string.");
        }
        for (int i = 0; i < Cameras.Length; i++)
            if (string.IsNullOrWhiteSpace(Cameras[i])) errors.Add($"{path}.cameras[{i}] is empty: list camera ids, or drop the list for every camera.");
        return errors;
    }
}
