using System.Text.RegularExpressions;

namespace Monitoring.Native.OpenCv;

/// <summary>
/// Hides credentials in source URIs before they reach a log, a message or an exception:
/// <c>rtsp://user:pass@host/x</c> becomes <c>rtsp://***:***@host/x</c>, <c>rtsp://token@host</c>
/// becomes <c>rtsp://***@host</c>, and secret query parameters (<c>password=</c>, <c>pwd=</c>,
/// <c>user=</c>, <c>token=</c>, ...) get the value <c>***</c>. Errs on the side of hiding too much:
/// the user part ends at the last '@', so a password holding '@', '/' or '?' stays hidden.
/// </summary>
public static partial class UriMasking
{
    public const string Hidden = "***";

    [GeneratedRegex(
        @"(?<=[?&;])(password|passwd|pass|pwd|pw|user|username|usr|login|token|access_token|auth|authorization|key|api_key|apikey|secret|sig|signature)=[^&#;]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();

    /// <summary>The URI with its credentials replaced by <c>***</c>; other text is returned unchanged.</summary>
    public static string Mask(string uri)
    {
        if (string.IsNullOrEmpty(uri)) return uri;
        var masked = uri;
        var schemeEnd = masked.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            var start = schemeEnd + 3;
            var at = masked.LastIndexOf('@');
            if (at >= start)
            {
                var userInfo = masked.AsSpan(start, at - start);
                var replacement = userInfo.Contains(':') ? $"{Hidden}:{Hidden}" : Hidden;
                masked = string.Concat(masked.AsSpan(0, start), replacement, masked.AsSpan(at));
            }
        }
        if (masked.IndexOf('?') >= 0)
            masked = SecretParameter().Replace(masked, m => $"{m.Groups[1].Value}={Hidden}");
        return masked;
    }
}
