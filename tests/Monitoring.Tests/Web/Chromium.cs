using Microsoft.Playwright;

namespace Monitoring.Tests.Web;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>, installed by <c>./build.sh setup</c>) driven by Microsoft.Playwright's
/// driver from its NuGet package: no browser download. Screenshots go to <c>out/dashboard/</c> (not committed).
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(Executable))
            Assert.Fail($"{Executable} is missing: run ./build.sh setup (it installs Debian's chromium package for the dashboard's browser tests).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // root on a server: no sandbox; no GPU; /dev/shm may be small in containers.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>A page of 1280×900; with <paramref name="credentials"/> it answers basic-auth challenges.</summary>
    public async Task<IPage> NewPageAsync(HttpCredentials? credentials = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            HttpCredentials = credentials,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return page;
    }

    /// <summary>out/dashboard/NAME under the repository (created).</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "out", "dashboard");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(name), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
