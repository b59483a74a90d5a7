using System.Text;
using Monitoring.Web;

namespace Monitoring.Tests.Web;

public sealed class DashboardAssetsTests
{
    [Fact]
    public void Pages_are_served_in_the_layout_with_the_csrf_token_and_their_script_and_only_same_origin_assets()
    {
        var csrf = new CsrfToken();
        var assets = new DashboardAssets(csrf);
        Assert.Equal(["app.css", "app.js", "camera.html", "camera.js", "events.html", "events.js", "grid.js", "index.html"], assets.Names.Order(StringComparer.Ordinal));
        foreach (var (file, script) in new[] { ("index.html", "grid.js"), ("camera.html", "camera.js"), ("events.html", "events.js") })
        {
            Assert.True(assets.TryGet(file, out var body, out var type));
            Assert.StartsWith("text/html", type);
            var html = Encoding.UTF8.GetString(body);
            Assert.Contains($"<meta name=\"csrf-token\" content=\"{csrf.Value}\">", html);
            Assert.Contains($"<script src=\"/dashboard/{script}\"></script>", html);
            Assert.Contains("<main>", html);
            // every placeholder filled (the random token itself may hold "__": it is checked above)
            Assert.DoesNotContain("__", html.Replace(csrf.Value, "", StringComparison.Ordinal));
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal)); // no CDN
        }
        Assert.False(assets.TryGet("layout.html", out _, out _));
        Assert.True(assets.TryGet("app.js", out _, out var js));
        Assert.StartsWith("text/javascript", js);
    }
}
