using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Web;

/// <summary>
/// The dashboard's protection of its actions against cross-site requests: a random token made at start, written into the
/// pages (a meta tag) and required back in the <c>X-CSRF-Token</c> header of every POST, which a page of another origin
/// can neither read nor set; a POST whose <c>Origin</c> names another host is refused as well.
/// </summary>
public sealed class CsrfToken
{
    public const string Header = "X-CSRF-Token";

    public CsrfToken() => Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Value { get; }

    /// <summary>Null when the POST may go ahead, else why not.</summary>
    public string? Check(string? header, string? origin, string host)
    {
        if (!string.IsNullOrEmpty(origin) &&
            (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || !string.Equals(o.Authority, host, StringComparison.OrdinalIgnoreCase)))
            return $"cross-origin request from '{origin}' refused";
        if (string.IsNullOrEmpty(header) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(header), Encoding.ASCII.GetBytes(Value)))
            return $"missing or wrong {Header} header (reload the page)";
        return null;
    }
}
