using Microsoft.Extensions.Configuration;
using Monitoring.Configuration;
using Monitoring.Delivery;

namespace Monitoring.Tests.Configuration;

public class ConfigurationTests
{
    private static string NewEnv(string? value)
    {
        var name = "MONITORING_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }

    [Fact]
    public void Binds_from_json_with_defaults_and_validates()
    {
        var env = NewEnv("whsec_" + Convert.ToBase64String(new byte[] { 1, 2, 3, 4 }));
        var json = $$"""
            { "alerts": {
                "regions": { "threshold": 0.6, "zones": [ { "name": "door", "threshold": 0.4, "points": [ {"x":0,"y":0}, {"x":10,"y":0}, {"x":10,"y":10} ] } ] },
                "cameras": { "yard": { "threshold": 0.7 } },
                "events": { "confirmFrames": 3, "windowFrames": 5 },
                "webhooks": [ { "name": "ops", "url": "https://hooks.example/a?token=x", "secretEnv": "{{env}}", "cameras": ["door"] } ],
                "outbox": { "path": "data/outbox.db", "maxAgeSeconds": 3600 },
                "snapshots": { "directory": "snaps", "maxFiles": 10 }
            } }
            """;
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var options = config.GetSection("alerts").Get<AlertingOptions>()!;
        foreach (var webhook in options.Webhooks) webhook.ReadSecret(Environment.GetEnvironmentVariable);

        Assert.Empty(new AlertingOptionsValidator().Check(options));
        Assert.Equal(0.6f, options.Regions.Threshold);
        Assert.Equal(0.4f, options.Regions.Zones[0].Threshold);
        Assert.Equal(10, options.Regions.Zones[0].Points[1].X);
        Assert.Equal(0.7f, options.RegionsFor("yard").Threshold);
        Assert.Equal(0.6f, options.RegionsFor("door").Threshold);
        Assert.Equal(3, options.Events.ConfirmFrames);
        Assert.Equal(30, options.Events.CooldownSeconds); // default kept
        Assert.Equal(["door"], options.Webhooks[0].Cameras);
        Assert.Equal(3600, options.Outbox.MaxAgeSeconds);
        Assert.Equal(10, options.Outbox.RequestTimeoutSeconds);
        var endpoint = Assert.Single(WebhookEndpoint.FromOptions(options));
        Assert.Equal("ops", endpoint.Name);
        Assert.Equal("https://hooks.example/a", endpoint.SafeUrl);
        Assert.True(endpoint.Accepts("door"));
        Assert.False(endpoint.Accepts("yard"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("")]
    public void Malformed_url_names_the_path_and_the_fix(string url)
    {
        var env = NewEnv("plain-secret");
        var options = new AlertingOptions
        {
            Webhooks =
            [
                new WebhookOptions { Url = "https://ok.example/hook", SecretEnv = env }.ReadSecret(Environment.GetEnvironmentVariable),
                new WebhookOptions { Url = url, SecretEnv = env }.ReadSecret(Environment.GetEnvironmentVariable),
            ],
        };
        var ex = Assert.Throws<ConfigException>(() => WebhookEndpoint.FromOptions(options));
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("alerts.webhooks[1].url", error, StringComparison.Ordinal);
        Assert.Contains("absolute http(s) URL", error, StringComparison.Ordinal);
        Assert.Contains("alerts.webhooks[1].url", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_empty_secret_env_names_the_path_and_variable()
    {
        var unset = "MONITORING_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var empty = NewEnv("");
        var options = new AlertingOptions
        {
            Webhooks =
            [
                new WebhookOptions { Url = "https://a.example/", SecretEnv = unset }.ReadSecret(Environment.GetEnvironmentVariable),
                new WebhookOptions { Url = "https://b.example/", SecretEnv = empty }.ReadSecret(Environment.GetEnvironmentVariable),
                new WebhookOptions { Url = "https://c.example/", SecretEnv = "" }.ReadSecret(Environment.GetEnvironmentVariable),
            ],
        };
        var ex = Assert.Throws<ConfigException>(() => new AlertingOptionsValidator().ThrowIfInvalid(options));
        Assert.Contains(ex.Errors, e => e.StartsWith("alerts.webhooks[0].secretEnv", StringComparison.Ordinal) && e.Contains(unset, StringComparison.Ordinal) && e.Contains("export", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("alerts.webhooks[1].secretEnv", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("alerts.webhooks[2].secretEnv is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_whsec_value_is_reported_without_revealing_it()
    {
        var env = NewEnv("whsec_%%%not-base64-SECRETVALUE");
        var webhook = new WebhookOptions { Url = "https://a.example/", SecretEnv = env }.ReadSecret(Environment.GetEnvironmentVariable);
        var errors = new WebhookOptionsValidator().Check(webhook, "alerts.webhooks[0]");
        var error = Assert.Single(errors);
        Assert.Contains("not valid base64", error, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_sections_report_their_paths()
    {
        var options = new AlertingOptions
        {
            Events = new() { ConfirmFrames = 4, WindowFrames = 3 },
            Outbox = new() { MaxAgeSeconds = 0 },
            Snapshots = new() { MaxFiles = 0 },
            Cameras = { ["yard"] = new() { Threshold = 0 } },
            JsonlMaxBytes = 100,
            JsonlKeepFiles = -1,
        };
        var errors = new AlertingOptionsValidator().Check(options);
        Assert.Contains(errors, e => e.StartsWith("alerts.jsonlMaxBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts.jsonlKeepFiles", StringComparison.Ordinal));
        Assert.Empty(new AlertingOptionsValidator().Check(new AlertingOptions { JsonlMaxBytes = 0, JsonlKeepFiles = 0 }));
        Assert.Contains(errors, e => e.StartsWith("alerts.events.confirmFrames", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts.outbox.maxAgeSeconds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts.snapshots.maxFiles", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts.cameras.yard.threshold", StringComparison.Ordinal));
    }

    [Fact]
    public void Standard_webhooks_reference_signature()
    {
        // Test vector of the Standard Webhooks reference libraries.
        var secret = WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var body = System.Text.Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", secret.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body));
        Assert.Equal("***", secret.ToString());
    }

    [Fact]
    public void Raw_secret_is_used_as_utf8_bytes()
    {
        var raw = WebhookSecret.Parse("correct horse");
        var key = System.Text.Encoding.UTF8.GetBytes("correct horse");
        var expected = "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, "id.1.{}"u8.ToArray()));
        Assert.Equal(expected, raw.Sign("id", 1, "{}"u8));
    }

    [Theory]
    [InlineData("https://user:pw@hooks.example:8443/path?token=abc#frag", "https://hooks.example:8443/path")]
    [InlineData("http://127.0.0.1:5000/hook", "http://127.0.0.1:5000/hook")]
    public void Urls_are_redacted_for_logs(string url, string expected) => Assert.Equal(expected, WebhookOptions.Redact(url));
}
