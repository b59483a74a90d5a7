using System.Text.Json.Nodes;

namespace Monitoring.Tests.TestSupport;

/// <summary>
/// A daemon config for tests, written into a temp folder: the committed model on the CPU, short capture timeouts
/// and backoff, a free loopback port for /metrics, alerts into the folder (outbox, JSONL, snapshots).
/// Tests add cameras and webhooks and tweak <see cref="Root"/> before <see cref="Write"/>.
/// </summary>
public sealed class DaemonConfig
{
    public DaemonConfig(string directory)
    {
        Directory = directory;
        HttpPort = DaemonProcess.FreePort();
        Root = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["path"] = Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx"),
                ["provider"] = "cpu",
                ["intraOpThreads"] = 1,
                ["maxBatchSize"] = 8,
                ["maxBatchWaitMs"] = 20,
            },
            ["pipeline"] = new JsonObject { ["queueCapacity"] = 4, ["maxFrameAgeMs"] = 3000, ["drainSeconds"] = 2 },
            ["capture"] = new JsonObject
            {
                ["openTimeoutMs"] = 5000,
                ["readTimeoutMs"] = 3000,
                ["watchdogSeconds"] = 3,
                ["backoffInitialMs"] = 200,
                ["backoffMaxMs"] = 1000,
            },
            ["cameras"] = new JsonArray(),
            ["logging"] = new JsonObject { ["level"] = "Information" },
            ["http"] = new JsonObject { ["enabled"] = true, ["urls"] = $"http://127.0.0.1:{HttpPort}" },
            ["alerts"] = new JsonObject
            {
                ["outbox"] = new JsonObject
                {
                    ["path"] = OutboxPath,
                    ["requestTimeoutSeconds"] = 2,
                    ["backoffBaseSeconds"] = 0.1,
                    ["backoffCapSeconds"] = 0.5,
                    ["pollIntervalSeconds"] = 0.5,
                },
                ["snapshots"] = new JsonObject { ["enabled"] = false, ["directory"] = SnapshotDirectory },
                ["jsonlPath"] = JsonlPath,
                ["webhooks"] = new JsonArray(),
            },
        };
    }

    public string Directory { get; }
    public int HttpPort { get; }
    public JsonObject Root { get; }
    public string ConfigPath => System.IO.Path.Combine(Directory, "monitoring.json");
    public string OutboxPath => System.IO.Path.Combine(Directory, "outbox.db");
    public string JsonlPath => System.IO.Path.Combine(Directory, "alerts.jsonl");
    public string SnapshotDirectory => System.IO.Path.Combine(Directory, "snapshots");
    public string ProfilePath(string camera) => System.IO.Path.Combine(Directory, "profiles", camera + ".profile.json");

    public JsonObject Alerts => Root["alerts"]!.AsObject();

    /// <summary>Adds a camera that learns its profile from its first <paramref name="autoLearnFrames"/> analysed frames.</summary>
    public JsonObject AddCamera(string id, string url, double analysisFps = 5, int autoLearnFrames = 20, bool loop = false, bool realtime = false)
    {
        var camera = new JsonObject
        {
            ["id"] = id,
            ["url"] = url,
            ["analysisFps"] = analysisFps,
            ["profile"] = ProfilePath(id),
            ["autoLearnFrames"] = autoLearnFrames,
            ["loop"] = loop,
            ["realtime"] = realtime,
        };
        Root["cameras"]!.AsArray().Add(camera);
        return camera;
    }

    /// <summary>Adds a webhook to <c>http://127.0.0.1:PORT/hook</c> signed with the secret in <paramref name="secretEnv"/>.</summary>
    public void AddWebhook(int port, string secretEnv, string name = "test")
    {
        Alerts["webhooks"]!.AsArray().Add(new JsonObject
        {
            ["name"] = name,
            ["url"] = $"http://127.0.0.1:{port}/hook",
            ["secretEnv"] = secretEnv,
        });
    }

    /// <summary>Region and event settings under which any map with some spread yields events (plumbing, not accuracy).</summary>
    public void SensitiveAlerts(double threshold = 0.001, double updateIntervalSeconds = 0.5)
    {
        Alerts["regions"] = new JsonObject { ["threshold"] = threshold, ["minAreaCells"] = 1 };
        Alerts["events"] = new JsonObject
        {
            ["confirmFrames"] = 1,
            ["windowFrames"] = 1,
            ["endAfterQuietFrames"] = 2,
            ["updateIntervalSeconds"] = updateIntervalSeconds,
            ["cooldownSeconds"] = 0,
        };
    }

    public string Write() => DaemonProcess.WriteConfig(ConfigPath, Root);
}
