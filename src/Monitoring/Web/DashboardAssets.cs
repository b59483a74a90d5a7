using System.Collections.Frozen;
using System.Text;

namespace Monitoring.Web;

/// <summary>
/// The pages, scripts and style sheet, embedded in the daemon's assembly from <c>Web/wwwroot</c> (no CDN, nothing fetched
/// at run time). Each page is its <c>pages/PAGE.html</c> (the page's main element) inside <c>layout.html</c> (head, top bar,
/// the page's script <c>PAGE.js</c>), with the CSRF token written into the layout when the assets are loaded.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";
    private const string PagePrefix = "pages/";
    private const string Layout = "layout.html";

    /// <summary>The served page, its title, and its fragment and script name.</summary>
    private static readonly (string File, string Title, string Page)[] Pages =
        [("index.html", "Cameras", "grid"), ("camera.html", "Camera", "camera"), ("events.html", "Events", "events")];

    private readonly FrozenDictionary<string, (byte[] Body, string ContentType)> _files;

    public DashboardAssets(CsrfToken csrf)
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var embedded = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            embedded[name[Prefix.Length..]] = memory.ToArray();
        }
        var files = embedded.Where(e => e.Key != Layout && !e.Key.StartsWith(PagePrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key, e => (e.Value, ContentType(e.Key)), StringComparer.Ordinal);
        var layout = Encoding.UTF8.GetString(embedded[Layout]).Replace("__CSRF_TOKEN__", csrf.Value, StringComparison.Ordinal);
        foreach (var (file, title, page) in Pages)
        {
            var main = Encoding.UTF8.GetString(embedded[PagePrefix + page + ".html"]);
            var html = layout.Replace("__TITLE__", title, StringComparison.Ordinal).Replace("__PAGE__", page, StringComparison.Ordinal)
                .Replace("__MAIN__", main.TrimEnd(), StringComparison.Ordinal);
            files[file] = (Encoding.UTF8.GetBytes(html), ContentType(file));
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
