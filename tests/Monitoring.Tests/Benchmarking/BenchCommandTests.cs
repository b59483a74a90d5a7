using System.Text.Json;
using Monitoring.Benchmarking;
using Monitoring.Cli;
using Monitoring.Configuration;

namespace Monitoring.Tests.Benchmarking;

/// <summary>`monitoring bench` runs end to end on the real clip, model and pipeline and writes its report. No timed asserts.</summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "monitoring-bench-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    [Trait("Category", "Integration")]   // a whole bench run: decode, model and the pipeline, ~13 s
    public async Task Short_bench_writes_every_section_of_its_report()
    {
        var clip = TestPaths.RequireVTest();
        var output = Path.Combine(_dir, "bench.json");
        var model = Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");
        var stderr = new StringWriter();
        var code = await Program.RunAsync(["bench", "--clip", clip, "--model", model, "--seconds", "2", "--warmup", "1", "--probe-seconds", "0.5",
            "--max-cameras", "1", "--throughput-cameras", "1", "--out", output], Console.Out, stderr);

        Assert.True(code == 0, stderr.ToString());

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("decode").GetArrayLength());
        Assert.Equal([1, 4, 8], root.GetProperty("modelRuns").EnumerateArray().Select(m => m.GetProperty("batch").GetInt32()));
        Assert.True(root.GetProperty("bound").GetProperty("framesPerSecond").GetDouble() > 0);
        var throughput = Assert.Single(root.GetProperty("throughput").EnumerateArray());
        Assert.True(throughput.GetProperty("framesAnalysed").GetInt64() > 0);
        var step = Assert.Single(root.GetProperty("ramp").EnumerateArray());
        Assert.Equal(1, step.GetProperty("cameras").GetInt32());
        Assert.Equal("live", step.GetProperty("mode").GetString());
        Assert.True(step.GetProperty("framesAnalysed").GetInt64() > 0);
        Assert.True(step.GetProperty("frameLatency").GetProperty("count").GetInt64() > 0);
    }

    [Fact]
    public void A_session_without_intra_op_spinning_loads_and_runs_the_model()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");
        using var model = Monitoring.Analysis.AnomalyModel.Load(path,
            new Monitoring.Inference.OnnxSessionOptions(Monitoring.Inference.ExecutionProvider.Cpu, IntraOpSpinning: false));
        using var batch = model.CreateBatch(2);
        var window = new Monitoring.Analysis.FrameWindow(model.T, model.H, model.W);
        window.Push(new byte[model.H * model.W]);
        batch.Add(window, null);
        batch.Add(window, null);
        model.Run(batch);
        Assert.All(batch.Score, s => Assert.InRange(s, 0f, 1f));
    }

    [Fact]
    public void TreatAsLive_without_realtime_is_a_config_error()
    {
        var camera = new CameraOptions { Id = "a", Url = "clip.avi", Profile = "p.json", TreatAsLive = true };
        var errors = new CameraOptionsValidator().Check(camera, "cameras[0]");
        Assert.Contains(errors, e => e.StartsWith("cameras[0].treatAsLive", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
