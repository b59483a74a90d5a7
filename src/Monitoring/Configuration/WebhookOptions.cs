namespace Monitoring.Configuration;

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

    // A field, not a property: the binder must not take a "secret" key from the JSON (secrets never go in the file).
    private string? _secret;

    /// <summary>
    /// Reads the value of the variable <see cref="SecretEnv"/> names from <paramref name="environment"/> (<see cref="ConfigLoader"/>
    /// does this with the environment it is given; nothing else reads the process environment for it).
    /// </summary>
    public WebhookOptions ReadSecret(Func<string, string?> environment)
    {
        _secret = string.IsNullOrWhiteSpace(SecretEnv) ? null : environment(SecretEnv);
        return this;
    }

    /// <summary>The secret as <see cref="ReadSecret"/> read it; null before, or when the variable is not set. Never logged.</summary>
    public string? SecretValue() => _secret;

    /// <summary>The webhook's name: <see cref="Name"/>, or the URL without query (<see cref="Redact"/>) when none is given.</summary>
    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? Redact(Url) : Name;

    /// <summary>The URL without user info, query and fragment (those may carry secrets).</summary>
    public static string Redact(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.Port | UriComponents.Path, UriFormat.UriEscaped);
        int cut = url.IndexOfAny(['?', '#']);
        var head = cut >= 0 ? url[..cut] : url;
        int at = head.IndexOf('@');
        return at >= 0 ? head[(at + 1)..] : head;
    }

    /// <summary>The "whsec_" prefix of a Standard Webhooks secret.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>
    /// The signing key a secret value stands for: "whsec_&lt;base64&gt;" is base64-decoded after the prefix; any other
    /// non-empty value is its UTF-8 bytes. False for an empty value or invalid base64.
    /// </summary>
    public static bool TryDecodeSecret(string value, out byte[] key)
    {
        key = [];
        if (string.IsNullOrEmpty(value)) return false;
        if (value.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            var encoded = value[SecretPrefix.Length..];
            var buffer = new byte[encoded.Length];
            if (encoded.Length == 0 || !Convert.TryFromBase64String(encoded, buffer, out int written)) return false;
            key = buffer[..written];
            return true;
        }
        key = System.Text.Encoding.UTF8.GetBytes(value);
        return true;
    }
}
