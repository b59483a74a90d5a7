using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Web;

/// <summary>
/// Who may see the dashboard. Bound to loopback only (every <c>http.urls</c> host is 127.0.0.0/8, ::1 or localhost) it is
/// open; bound wider it requires the token from the environment variable <c>dashboard.tokenEnv</c>, sent as
/// <c>Authorization: Bearer TOKEN</c> or as the password of basic auth (any user name). Bound wider without a token it
/// refuses every request, saying what to set. The token is compared in constant time and never logged or shown.
/// </summary>
public sealed class DashboardAccess
{
    private readonly byte[]? _token;

    public DashboardAccess(IEnumerable<string> urls, string tokenEnv, string? token)
    {
        TokenEnv = tokenEnv;
        BoundWider = urls.Any(u => !IsLoopback(u));
        _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);
    }

    public string TokenEnv { get; }
    /// <summary>True when some listening address is not loopback: a token is then required.</summary>
    public bool BoundWider { get; }
    public bool TokenRequired => BoundWider;
    /// <summary>Bound wider and no token set: nothing is served.</summary>
    public bool Locked => BoundWider && _token is null;

    public string LockedMessage =>
        $"The dashboard is bound to a non-loopback address (http.urls) and the environment variable {TokenEnv} (dashboard.tokenEnv) is not set: " +
        $"export {TokenEnv}=<a long random token> and restart, or bind http.urls to http://127.0.0.1:PORT.";

    /// <summary>Whether a request with this Authorization header may see the dashboard.</summary>
    public bool Allows(string? authorization)
    {
        if (!BoundWider) return true;
        if (_token is null || string.IsNullOrEmpty(authorization)) return false;
        byte[]? presented = null;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = Encoding.UTF8.GetBytes(authorization[7..].Trim());
        }
        else if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = pair.IndexOf(':');
                if (colon >= 0) presented = Encoding.UTF8.GetBytes(pair[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return false;
            }
        }
        return presented is not null && CryptographicOperations.FixedTimeEquals(presented, _token);
    }

    /// <summary>True for http(s)://127.x.x.x, [::1] and localhost; false for 0.0.0.0, *, +, [::] and other hosts.</summary>
    public static bool IsLoopback(string url)
    {
        // Kestrel's wildcards are not valid URI hosts for System.Uri.
        var text = url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
