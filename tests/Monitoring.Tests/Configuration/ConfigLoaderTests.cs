using Monitoring.Configuration;

namespace Monitoring.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "c.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string ModelPath => Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx").Replace("\\", "/");

    private string Valid(string cameraExtra = "", string extra = "") => $$"""
        {
          "model": { "path": "{{ModelPath}}" },
          "cameras": [ { "id": "gate", "url": "rtsp://${CAM_USER}:${CAM_PASS}@127.0.0.1:8554/gate", "profile": "p/gate.json" {{cameraExtra}} } ]
          {{extra}}
        }
        """;

    private static Func<string, string?> Env(params (string K, string V)[] vars) => k => vars.FirstOrDefault(v => v.K == k).V;

    [Fact]
    public void The_bundled_demo_config_is_valid()
    {
        var o = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "config", "monitoring.json"));
        Assert.Single(o.Cameras);
        Assert.True(File.Exists(o.ResolvePath(o.Model.Path)));
    }

    [Fact]
    public void Environment_references_are_expanded_and_relative_paths_follow_the_config_file()
    {
        var o = ConfigLoader.Load(Write(Valid()), Env(("CAM_USER", "admin"), ("CAM_PASS", "s3cret")));
        Assert.Equal("rtsp://admin:s3cret@127.0.0.1:8554/gate", o.Cameras[0].Url);
        Assert.Equal(Path.Combine(_dir, "p", "gate.json"), o.ResolvePath(o.Cameras[0].Profile!));
    }

    [Fact]
    public void A_missing_environment_variable_names_the_json_path_and_the_variable()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(Valid()), Env(("CAM_USER", "admin"))));
        Assert.Contains("cameras[0].url", e.Message);
        Assert.Contains("CAM_PASS", e.Message);
        Assert.DoesNotContain("admin", e.Message);
    }

    [Fact]
    public void An_unknown_key_is_an_error_not_silently_ignored()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(Valid(", \"treshold\": 0.4")), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains("treshold", e.Message);
    }

    [Fact]
    public void A_wrong_type_names_the_path()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(Valid(", \"analysisFps\": \"fast\"")), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains("cameras[0].analysisFps", e.Message);
    }

    [Theory]
    [InlineData(", \"threshold\": 1.5", "cameras[0].threshold")]
    [InlineData(", \"analysisFps\": -1", "cameras[0].analysisFps")]
    [InlineData(", \"autoLearnFrames\": -5", "cameras[0].autoLearnFrames")]
    public void Out_of_range_values_name_the_path(string cameraExtra, string path)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(Valid(cameraExtra)), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Stale_end_seconds_binds_from_the_alerts_events_section()
    {
        var o = ConfigLoader.Load(Write(Valid(extra: ", \"alerts\": { \"events\": { \"staleEndSeconds\": 45 } }")), Env(("CAM_USER", "a"), ("CAM_PASS", "b")));
        Assert.Equal(45, o.Alerts.Events.StaleEndSeconds);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    public void Stale_end_seconds_out_of_range_names_the_path_and_the_range(string value)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(Valid(extra: $", \"alerts\": {{ \"events\": {{ \"staleEndSeconds\": {value} }} }}")), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains("alerts.events.staleEndSeconds", e.Message);
        Assert.Contains("1 to 3600", e.Message);
    }

    [Fact]
    public void A_camera_id_with_spaces_is_refused()
    {
        var json = Valid().Replace("\"id\": \"gate\"", "\"id\": \"bad id\"", StringComparison.Ordinal);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(json), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains("cameras[0].id", e.Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var json = """{ "model": { "path": "/nope/model.onnx", "provider": "tpu" }, "cameras": [ { "id": "", "url": "" } ] }""";
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(json)));
        Assert.Contains("model.path", e.Message);
        Assert.Contains("model.provider", e.Message);
        Assert.Contains("cameras[0].id", e.Message);
        Assert.Contains("cameras[0].url", e.Message);
        Assert.True(e.Errors.Count >= 4);
    }

    [Fact]
    public void Duplicate_camera_ids_are_refused()
    {
        var json = Valid(extra: $", \"http\": {{ \"enabled\": false }}").Replace("]", ", { \"id\": \"gate\", \"url\": \"x.avi\", \"autoLearnFrames\": 10 } ]", StringComparison.Ordinal);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(json), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains("cameras[1].id", e.Message);
    }

    [Fact]
    public void Broken_json_and_a_missing_file_are_clear()
    {
        var e1 = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write("{ \"cameras\": [ ")));
        Assert.Contains("not valid JSON", e1.Message);
        var e2 = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Path.Combine(_dir, "absent.json")));
        Assert.Contains("does not exist", e2.Message);
        Assert.Contains("--config", e2.Message);
    }

    [Fact]
    public void Webhook_secrets_come_from_the_environment_the_loader_is_given_not_the_process()
    {
        var name = "MONITORING_TEST_LOADER_SECRET_" + Guid.NewGuid().ToString("N"); // set nowhere in this process
        var json = Valid(extra: $$""", "alerts": { "webhooks": [ { "url": "http://127.0.0.1:9/hook", "secretEnv": "{{name}}" } ] }""");
        var o = ConfigLoader.Load(Write(json), Env(("CAM_USER", "a"), ("CAM_PASS", "b"), (name, "plain-secret")));
        Assert.Equal("plain-secret", o.Alerts.Webhooks[0].SecretValue());

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write(json), Env(("CAM_USER", "a"), ("CAM_PASS", "b"))));
        Assert.Contains($"alerts.webhooks[0].secretEnv names '{name}', which is not set or empty", e.Message);
    }
}
