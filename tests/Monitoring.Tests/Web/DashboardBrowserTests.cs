using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Monitoring.Tests.Hosting;
using Xunit.Abstractions;

namespace Monitoring.Tests.Web;

/// <summary>
/// The dashboard in a real browser (Debian's chromium through Playwright) against the real daemon on loopback reading
/// real video: the grid live through a camera outage, the camera page, a Ped2 anomaly on the timeline with its
/// snapshots and a requeue from the page reaching a loopback receiver, the token when bound wider.
/// Screenshots: out/dashboard/*.png.
/// </summary>
[Collection(DaemonCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static string Base(DaemonConfig config) => $"http://127.0.0.1:{config.HttpPort}/dashboard/";

    private static async Task<JsonObject> CameraAsync(DaemonConfig config, string id)
    {
        var json = await Http.GetStringAsync($"{Base(config)}api/cameras/{id}");
        return JsonNode.Parse(json)!["status"]!.AsObject();
    }

    /// <summary>Polls the camera's status until <paramref name="condition"/> holds.</summary>
    private static async Task<JsonObject> WaitForCameraAsync(DaemonProcess daemon, DaemonConfig config, string id, Func<JsonObject, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Start;
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (daemon.HasExited) throw new Xunit.Sdk.XunitException($"The daemon exited while waiting for {what}.\n{daemon.Tail()}");
            try
            {
                last = await CameraAsync(config, id);
                if (condition(last)) return last;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last status: {last?.ToJsonString()}\n{daemon.Tail()}");
    }

    private static string State(JsonObject s) => s["state"]!.GetValue<string>();

    private static void AddZoneAndMask(DaemonConfig config, int width, int height)
    {
        JsonArray Rect(int x0, int y0, int x1, int y1) => new(
            new JsonObject { ["x"] = x0, ["y"] = y0 }, new JsonObject { ["x"] = x1, ["y"] = y0 },
            new JsonObject { ["x"] = x1, ["y"] = y1 }, new JsonObject { ["x"] = x0, ["y"] = y1 });
        config.Alerts["regions"] = new JsonObject
        {
            ["minAreaCells"] = 1,
            ["zones"] = new JsonArray(new JsonObject { ["name"] = "path", ["points"] = Rect(width / 2, height / 4, width - 10, height - 10) }),
            ["masks"] = new JsonArray(new JsonObject { ["name"] = "building", ["points"] = Rect(0, 0, width, height / 6) }),
        };
    }

    [Fact]
    public async Task Grid_shows_the_rtsp_camera_streaming_with_heatmap_zones_and_rates_through_an_outage_and_the_camera_page_its_chart_and_profile()
    {
        using var dir = new TempDir();
        var clip = TestClips.VTest(20);
        var rtsp = LoopbackRtspServer.Start(clip);
        var daemonOutput = "";
        try
        {
            var config = new DaemonConfig(dir.Path);
            // Credentials in the URL (the loopback server does not ask for them): the pages show them masked only.
            config.AddCamera("gate", rtsp.Url.Replace("rtsp://", "rtsp://viewer:" + CameraPassword + "@", StringComparison.Ordinal), analysisFps: 5, autoLearnFrames: 20);
            config.Alerts["snapshots"]!["enabled"] = true; // the BGR copy the live view is drawn on
            AddZoneAndMask(config, 384, 288);
            using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort, echo: output.WriteLine);
            var streaming = await WaitForCameraAsync(daemon, config, "gate", s => State(s) == "streaming", "the camera streaming after learning");
            // Nobody watched yet: nothing was rendered for viewers.
            Assert.Equal(0, streaming["framesRendered"]!.GetValue<long>());
            Assert.Equal(0, streaming["viewers"]!.GetValue<int>());

            await using var chromium = await Chromium.LaunchAsync();
            var page = await chromium.NewPageAsync();
            var response = await page.GotoAsync(Base(config), new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
            Assert.Equal(200, response!.Status);
            const string card = "article[data-camera=\"gate\"]";
            await page.WaitForSelectorAsync($"{card}[data-state=\"streaming\"]");
            await page.WaitForFunctionAsync($"() => {{ const i = document.querySelector('{card} img'); return i && i.naturalWidth > 0; }}");
            await page.WaitForFunctionAsync($"() => /decoded [1-9]/.test(document.querySelector('{card} .stats').textContent)");
            Assert.Equal(1, await page.Locator($"{card} svg polygon.zone").CountAsync());
            Assert.Equal(1, await page.Locator($"{card} svg polygon.mask").CountAsync());
            Assert.Equal("live", await page.Locator("#conn").TextContentAsync());
            var watched = await WaitForCameraAsync(daemon, config, "gate", s => s["framesRendered"]!.GetValue<long>() > 0 && s["viewers"]!.GetValue<int>() == 1, "frames rendered for the one viewer");
            Assert.True(watched["decodedFps"]!.GetValue<double>() > 0, watched.ToJsonString());
            Assert.True(watched["analysedFps"]!.GetValue<double>() > 0, watched.ToJsonString());
            await Chromium.ScreenshotAsync(page, "grid.png");

            // The attention toggle re-opens the stream with the other overlay.
            await page.SelectOptionAsync("#overlay", "attention");
            await page.WaitForFunctionAsync($"() => {{ const i = document.querySelector('{card} .frame[data-overlay=\"attention\"] img'); return i && i.naturalWidth > 0; }}");
            await Chromium.ScreenshotAsync(page, "grid-attention.png");
            await page.SelectOptionAsync("#overlay", "heatmap");

            // The camera goes away: the grid says so and keeps running; it comes back on the same port: streaming again.
            var port = rtsp.Port;
            rtsp.Dispose();
            await page.WaitForSelectorAsync($"{card}:is([data-state=\"reconnecting\"], [data-state=\"stalled\"], [data-state=\"connecting\"])");
            await Chromium.ScreenshotAsync(page, "grid-outage.png");
            rtsp = LoopbackRtspServer.Start(clip, port: port);
            await page.WaitForSelectorAsync($"{card}[data-state=\"streaming\"]", new PageWaitForSelectorOptions { Timeout = 90_000 });
            var rendered = (await CameraAsync(config, "gate"))["framesRendered"]!.GetValue<long>();
            await WaitForCameraAsync(daemon, config, "gate", s => s["framesRendered"]!.GetValue<long>() > rendered, "live frames again after the outage");

            // The camera page: live view, the chart of score and threshold, regions, learn status and profile.
            await page.GotoAsync($"{Base(config)}camera.html?id=gate", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
            await page.WaitForFunctionAsync("() => { const i = document.querySelector('#frame img'); return i && i.naturalWidth > 0; }");
            // Attached, not visible: a flat threshold line has no height, which Playwright counts as hidden.
            var attached = new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached };
            await page.WaitForSelectorAsync("#chart polyline.score", attached);
            await page.WaitForSelectorAsync("#chart polyline.thr", attached);
            Assert.True(await page.Locator("#chart polyline.score").EvaluateAsync<int>("p => p.points.numberOfItems") > 5);
            var profile = await page.Locator("#profile").InnerTextAsync();
            Assert.Contains("frames learned", profile);
            Assert.Contains("derived threshold", profile);
            Assert.Contains("monitoring", profile);
            Assert.Contains("rtsp://***:***@127.0.0.1", await page.Locator("#stats").InnerTextAsync());
            Assert.DoesNotContain(CameraPassword, await page.ContentAsync());
            Assert.DoesNotContain(CameraPassword, await Http.GetStringAsync($"{Base(config)}api/cameras"));
            await Chromium.ScreenshotAsync(page, "camera.png");

            // Nobody watches any more: rendering stops.
            await page.CloseAsync();
            var idle = await WaitForCameraAsync(daemon, config, "gate", s => s["viewers"]!.GetValue<int>() == 0, "no viewer after the page closed");
            await Task.Delay(2000);
            Assert.Equal(idle["framesRendered"]!.GetValue<long>(), (await CameraAsync(config, "gate"))["framesRendered"]!.GetValue<long>());
            daemonOutput = daemon.Output;
        }
        finally
        {
            rtsp.Dispose();
        }
        Assert.DoesNotContain(CameraPassword, daemonOutput);
    }

    private const string Secret = "MONITORING_TEST_SECRET";
    private const string CameraPassword = "cam-pass-0f3a";

    [RequiresSharedDataFact("ped2/testing/02")]
    public async Task Ped2_anomaly_appears_on_the_timeline_with_snapshots_and_a_requeue_from_the_page_reaches_the_receiver()
    {
        using var dir = new TempDir();
        var key = DeliveryKeys.NewKey();
        await using var receiver = await TestReceiver.StartAsync(key);
        var accept = 0; // 0: the receiver refuses for good (410 → dead letters at once); 1: it accepts
        receiver.Behaviour = (_, ctx) =>
        {
            ctx.Response.StatusCode = Volatile.Read(ref accept) == 1 ? 204 : 410;
            return Task.CompletedTask;
        };
        var config = new DaemonConfig(dir.Path);
        var camera = config.AddCamera("ped2", Path.Combine(TestPaths.Ped2, "testing", "02", "%03d.jpg"), analysisFps: 0, autoLearnFrames: 0, loop: true, realtime: true);
        camera["fps"] = 10;
        config.AddWebhook(receiver.Port, Secret);
        config.Alerts["snapshots"]!["enabled"] = true;
        var env = DeliveryKeys.Env(Secret, key);
        var path = config.Write();
        var (learned, learnOutput) = await DaemonProcess.RunToExitAsync(
            ["learn", "--config", path, "--camera", "ped2", "--source", Path.Combine(TestPaths.Ped2, "training"), "--tune-steps", "0"], TimeSpan.FromSeconds(300), env);
        Assert.True(learned == 0, learnOutput);

        using var daemon = DaemonProcess.Run(path, config.HttpPort, env, output.WriteLine);
        await WaitForCameraAsync(daemon, config, "ped2", s => State(s) == "streaming", "the Ped2 camera streaming");
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        await page.GotoAsync($"{Base(config)}events.html", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        // The bicycle of clip 02: a "new" message with both snapshots, dead-lettered by the refusing receiver.
        const string newEntry = "li.ev-new:has(li.dl-dead-letter)";
        await page.WaitForSelectorAsync(newEntry, new PageWaitForSelectorOptions { Timeout = 120_000 });
        var id = await page.Locator(newEntry).First.GetAttributeAsync("data-id");
        Assert.False(string.IsNullOrEmpty(id));
        var entry = $"li.ev[data-id=\"{id}\"]";
        await page.WaitForFunctionAsync($"() => [...document.querySelectorAll('{entry.Replace("\"", "\\\"")} .snap img')].filter(i => i.naturalWidth > 0).length === 2");
        Assert.Contains("annotated", await page.Locator($"{entry} .snaps").InnerTextAsync());
        Assert.Contains("clean", await page.Locator($"{entry} .snaps").InnerTextAsync());
        Assert.Contains("test: dead-letter", await page.Locator($"{entry} .delivery").InnerTextAsync());
        await page.WaitForSelectorAsync("#webhooks button.requeue");
        await Chromium.ScreenshotAsync(page, "events-dead-letter.png");

        // The receiver is fixed; the operator requeues from the page (POST with the CSRF token).
        Volatile.Write(ref accept, 1);
        var before = receiver.Hits.Count(h => h.Id == id);
        await page.ClickAsync("#webhooks button.requeue");
        await page.WaitForFunctionAsync("() => /requeued [1-9]/.test(document.querySelector('#requeue-result').textContent)");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (receiver.Hits.Count(h => h.Id == id) <= before && DateTime.UtcNow < deadline) await Task.Delay(200);
        var hits = receiver.Hits.Where(h => h.Id == id).ToList();
        Assert.True(hits.Count > before, $"the requeued message {id} did not reach the receiver");
        Assert.All(hits, h => Assert.True(h.SignatureValid));
        await page.WaitForSelectorAsync($"{entry} li.dl-delivered", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await Chromium.ScreenshotAsync(page, "events-requeued.png");

        // Filtering by another camera empties the list; by this one keeps the entry.
        await page.GotoAsync($"{Base(config)}events.html?camera=ped2", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.WaitForSelectorAsync(entry);
        var other = await Http.GetStringAsync($"{Base(config)}api/events?camera=nobody");
        Assert.Empty(JsonNode.Parse(other)!["messages"]!.AsArray());
    }

    [Fact]
    public async Task Bound_wider_the_page_without_the_token_is_refused_and_with_it_served_and_the_token_is_never_shown_or_logged()
    {
        using var dir = new TempDir();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var config = new DaemonConfig(dir.Path);
        config.Root["http"]!["urls"] = $"http://0.0.0.0:{config.HttpPort}"; // bound wider; the tests still talk over 127.0.0.1
        config.Root["dashboard"] = new JsonObject { ["tokenEnv"] = "MONITORING_TEST_DASHBOARD_TOKEN" };
        config.AddCamera("yard", TestClips.VTest(20), analysisFps: 5, autoLearnFrames: 10, loop: true, realtime: true);
        using var daemon = DaemonProcess.Run(config.Write(), config.HttpPort,
            new Dictionary<string, string> { ["MONITORING_TEST_DASHBOARD_TOKEN"] = token }, output.WriteLine);
        await daemon.WaitForMetricsAsync(_ => true, Start, "/metrics answering (still open, as before)");

        await using var chromium = await Chromium.LaunchAsync();
        var anonymous = await chromium.NewPageAsync();
        // Chromium answers the basic-auth challenge it has no credentials for by refusing the page (a person gets a
        // login prompt instead); the response itself is a 401 naming the variable.
        var navigation = await Assert.ThrowsAsync<PlaywrightException>(() => anonymous.GotoAsync(Base(config)));
        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", navigation.Message);
        var refused = await anonymous.APIRequest.GetAsync(Base(config));
        Assert.Equal(401, refused.Status);
        Assert.StartsWith("Basic", refused.Headers["www-authenticate"]);
        var refusal = await refused.TextAsync();
        Assert.Contains("MONITORING_TEST_DASHBOARD_TOKEN", refusal);
        // Headless Chromium leaves a blank error page: the screenshot shows the refusal's status and text instead, on a
        // fresh page (the failed navigation may still be settling in the first one).
        var shown = await chromium.NewPageAsync();
        await shown.SetContentAsync($"<h1>HTTP {refused.Status} {refused.StatusText}</h1><p>GET {WebUtility.HtmlEncode(Base(config))}</p><pre>{WebUtility.HtmlEncode(refusal)}</pre>");
        await Chromium.ScreenshotAsync(shown, "refused-without-token.png");
        using (var api = await Http.GetAsync($"{Base(config)}api/cameras")) Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, $"{Base(config)}api/cameras"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token + "0");
            using var r = await Http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        var page = await chromium.NewPageAsync(new HttpCredentials { Username = "operator", Password = token });
        var served = await page.GotoAsync(Base(config), new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.Equal(200, served!.Status);
        await page.WaitForSelectorAsync("article[data-camera=\"yard\"]:is([data-state=\"streaming\"], [data-state=\"learning\"])");
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('article[data-camera=\"yard\"] img'); return i && i.naturalWidth > 0; }");
        await Chromium.ScreenshotAsync(page, "grid-with-token.png");
        Assert.DoesNotContain(token, await page.ContentAsync());

        // Actions: POST needs the CSRF token of the page, even with the access token.
        var csrf = await page.Locator("meta[name=\"csrf-token\"]").GetAttributeAsync("content");
        using (var post = new HttpRequestMessage(HttpMethod.Post, $"{Base(config)}api/outbox/requeue"))
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var r = await Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
        using (var post = new HttpRequestMessage(HttpMethod.Post, $"{Base(config)}api/outbox/requeue"))
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            post.Headers.Add("X-CSRF-Token", csrf);
            using var r = await Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.DoesNotContain(token, daemon.Output);
    }
}
