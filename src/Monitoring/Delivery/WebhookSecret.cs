using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Delivery;

/// <summary>
/// A webhook signing key. "whsec_&lt;base64&gt;" (Standard Webhooks form) is base64-decoded after the prefix; any other
/// value is used as its UTF-8 bytes. <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";
    private readonly byte[] _key;

    private WebhookSecret(byte[] key) => _key = key;

    public static bool TryParse(string value, out WebhookSecret? secret)
    {
        secret = null;
        if (string.IsNullOrEmpty(value)) return false;
        if (value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var encoded = value[Prefix.Length..];
            var buffer = new byte[encoded.Length];
            if (encoded.Length == 0 || !Convert.TryFromBase64String(encoded, buffer, out int written)) return false;
            secret = new WebhookSecret(buffer[..written]);
            return true;
        }
        secret = new WebhookSecret(Encoding.UTF8.GetBytes(value));
        return true;
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
