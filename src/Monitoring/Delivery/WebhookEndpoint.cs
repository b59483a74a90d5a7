using Monitoring.Configuration;

namespace Monitoring.Delivery;

/// <summary>A validated webhook: URL, resolved secret, camera filter. <see cref="SafeUrl"/> is the URL without query or user info, for logs.</summary>
public sealed class WebhookEndpoint
{
    private readonly HashSet<string>? _cameras;

    public WebhookEndpoint(string name, Uri url, WebhookSecret secret, IEnumerable<string>? cameras = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Url = url;
        Secret = secret;
        SafeUrl = WebhookOptions.Redact(url.ToString());
        var list = cameras?.ToArray() ?? [];
        _cameras = list.Length == 0 ? null : new HashSet<string>(list, StringComparer.Ordinal);
    }

    public string Name { get; }
    public Uri Url { get; }
    public WebhookSecret Secret { get; }
    public string SafeUrl { get; }

    public bool Accepts(string camera) => _cameras is null || _cameras.Contains(camera);

    /// <summary>Validates the options (throws <see cref="AlertConfigurationException"/> naming <paramref name="path"/>) and reads the secret.</summary>
    public static WebhookEndpoint FromOptions(WebhookOptions options, string path)
    {
        var errors = options.Validate(path);
        if (errors.Count > 0) throw new AlertConfigurationException(errors);
        var secret = WebhookSecret.Parse(Environment.GetEnvironmentVariable(options.SecretEnv)!);
        return new WebhookEndpoint(options.EffectiveName, new Uri(options.Url), secret, options.Cameras);
    }

    /// <summary>All webhooks of the options, validated together; errors name "alerts.webhooks[i]...".</summary>
    public static IReadOnlyList<WebhookEndpoint> FromOptions(AlertingOptions options, string path = "alerts")
    {
        options.ThrowIfInvalid(path);
        return options.Webhooks.Select((w, i) => FromOptions(w, $"{path}.webhooks[{i}]")).ToArray();
    }
}
