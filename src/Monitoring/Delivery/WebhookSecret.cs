using System.Security.Cryptography;
using System.Text;
using Monitoring.Configuration;

namespace Monitoring.Delivery;

/// <summary>
/// A webhook signing key. "whsec_&lt;base64&gt;" (Standard Webhooks form) is base64-decoded after the prefix; any other
/// value is used as its UTF-8 bytes (<see cref="WebhookOptions.TryDecodeSecret"/>). <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class WebhookSecret
{
    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    public static bool TryParse(string value, out WebhookSecret? secret)
    {
        secret = WebhookOptions.TryDecodeSecret(value, out var key) ? new WebhookSecret(key) : null;
        return secret is not null;
    }

    public static WebhookSecret Parse(string value) =>
        TryParse(value, out var secret) ? secret! : throw new FormatException("The webhook secret is empty or not valid \"whsec_<base64>\".");

    /// <summary>"v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
    public string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, content));
    }

    public override string ToString() => "***";
}
