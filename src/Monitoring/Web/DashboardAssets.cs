using System.Collections.Frozen;
using System.Reflection;
using System.Text;

namespace Monitoring.Web;

/// <summary>
/// The pages, script and style sheet, embedded in the daemon's assembly from <c>Web/wwwroot</c> (no CDN, nothing fetched
/// at run time). HTML pages get the CSRF token written into their <c>__CSRF_TOKEN__</c> placeholder when served.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private readonly FrozenDictionary<string, (byte[] Body, string ContentType)> _files;

    public DashboardAssets(CsrfToken csrf)
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var body = memory.ToArray();
            var file = name[Prefix.Length..];
            var type = ContentType(file);
            if (file.EndsWith(".html", StringComparison.Ordinal))
                body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("__CSRF_TOKEN__", csrf.Value, StringComparison.Ordinal));
            files[file] = (body, type);
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _files.Keys;

    public bool TryGet(string file, out byte[] body, out string contentType)
    {
        if (_files.TryGetValue(file, out var f))
        {
            (body, contentType) = f;
            return true;
        }
        (body, contentType) = ([], "");
        return false;
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
