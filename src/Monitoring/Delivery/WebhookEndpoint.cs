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

    /// <summary>
    /// Every webhook of the options, validated together (<see cref="ConfigException"/> naming "alerts.webhooks[i]..."),
    /// with the secret <see cref="ConfigLoader"/> read (<see cref="WebhookOptions.ReadSecret"/>).
    /// </summary>
    public static IReadOnlyList<WebhookEndpoint> FromOptions(AlertingOptions options, string path = "alerts")
    {
        new AlertingOptionsValidator().ThrowIfInvalid(options, path);
        return options.Webhooks.Select(w => new WebhookEndpoint(w.EffectiveName, new Uri(w.Url), WebhookSecret.Parse(w.SecretValue()!), w.Cameras)).ToArray();
    }
}
