namespace Monitoring.Configuration;

/// <summary>
/// One entry of "alerts.webhooks". The secret is checked as <see cref="ConfigLoader"/> read it from the environment it
/// was given (<see cref="WebhookOptions.ReadSecret"/>); its value never appears in an error.
/// </summary>
public sealed class WebhookOptionsValidator : OptionsValidator<WebhookOptions>
{
    public override string DefaultPath => "alerts.webhooks[0]";

    public override void Validate(WebhookOptions o, string path, ValidationErrors errors)
    {
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            errors.Add($"{path}.url '{WebhookOptions.Redact(o.Url)}' is not an absolute http(s) URL: write it like \"https://hooks.example.com/monitoring\".");
        if (string.IsNullOrWhiteSpace(o.SecretEnv))
            errors.Add($"{path}.secretEnv is empty: name the environment variable that holds the signing secret (\"whsec_<base64>\" or a plain string).");
        else if (o.SecretValue() is not { Length: > 0 } secret)
            errors.Add($"{path}.secretEnv names '{o.SecretEnv}', which is not set or empty: export {o.SecretEnv}=whsec_<base64 secret> before starting.");
        else if (!WebhookOptions.TryDecodeSecret(secret, out _))
            errors.Add($"{path}.secretEnv: the value of '{o.SecretEnv}' starts with \"whsec_\" but the rest is not valid base64: fix the value or drop the prefix to use it as a plain string.");
        for (int i = 0; i < o.Cameras.Length; i++)
            if (string.IsNullOrWhiteSpace(o.Cameras[i])) errors.Add($"{path}.cameras[{i}] is empty: list camera ids, or drop the list for every camera.");
    }
}
