using System.Runtime.InteropServices;
using System.Text.Json;
using Monitoring.Analysis;
using Monitoring.Inference;

namespace Monitoring.Tests.Analysis;

/// <summary>
/// The shipped model (models/anomaly.onnx) under ONNX Runtime reproduces the reference outputs its
/// export wrote beside it (models/reference/, computed by PyTorch), through our AnomalyModel wrapper.
/// The checks are static so that a freshly trained export can be held to them too (TinyTrainingExportTests).
/// </summary>
public sealed class ModelReferenceTests
{
    private static string ModelPath => Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");
    private static string ReferenceDir => Path.Combine(TestPaths.RepoRoot, "models", "reference");

    private sealed record Tensor(string Name, float[] Data, int[] Shape);

    private static (Dictionary<string, Tensor> Tensors, double Atol, double Rtol) LoadReference(string referenceDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(referenceDir, "reference.json")));
        var tensors = new Dictionary<string, Tensor>();
        foreach (var t in doc.RootElement.GetProperty("tensors").EnumerateArray())
        {
            var bytes = File.ReadAllBytes(Path.Combine(referenceDir, t.GetProperty("file").GetString()!));
            var shape = t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var data = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            Assert.Equal(shape.Aggregate(1, (a, b) => a * b), data.Length);
            tensors[t.GetProperty("name").GetString()!] = new Tensor(t.GetProperty("name").GetString()!, data, shape);
        }
        return (tensors, doc.RootElement.GetProperty("atol").GetDouble(), doc.RootElement.GetProperty("rtol").GetDouble());
    }

    [Fact]
    public void Onnx_runtime_reproduces_the_exported_reference_outputs() => AssertReproducesReference(ModelPath, ReferenceDir);

    /// <summary>The model at <paramref name="modelPath"/>, run by ONNX Runtime through AnomalyModel, gives the torch
    /// outputs of the reference batch in <paramref name="referenceDir"/> within its tolerance.</summary>
    internal static void AssertReproducesReference(string modelPath, string referenceDir)
    {
        var (t, atol, rtol) = LoadReference(referenceDir);
        using var model = AnomalyModel.Load(modelPath, OnnxSessionOptions.Cpu);
        var n = t["frames"].Shape[0];
        Assert.Equal([n, model.T, model.H, model.W], t["frames"].Shape);
        Assert.Equal([n, model.D, model.CellsH, model.CellsW], t["profile_mean"].Shape);

        using var batch = model.CreateBatch(n);
        for (var i = 0; i < n; i++)
        {
            // Feed the reference window frame by frame through a FrameWindow, as the daemon does, then overwrite
            // the batch's float input with the exact reference values (bytes would round them).
            batch.Add(WindowOf(model), null);
        }
        t["frames"].Data.CopyTo(batch.Frames, 0);
        t["profile_mean"].Data.CopyTo(batch.ProfileMean, 0);
        t["profile_var"].Data.CopyTo(batch.ProfileVar, 0);
        model.Run(batch);

        AssertClose("features", t["features"].Data, batch.Features.AsSpan(0, t["features"].Data.Length), atol, rtol);
        AssertClose("anomaly_map", t["anomaly_map"].Data, batch.AnomalyMap.AsSpan(0, t["anomaly_map"].Data.Length), atol, rtol);
        AssertClose("attention", t["attention"].Data, batch.Attention.AsSpan(0, t["attention"].Data.Length), atol, rtol);
        AssertClose("score", t["score"].Data, batch.Score.AsSpan(0, n), atol, rtol);
        for (var i = 0; i < n; i++)
        {
            var attention = batch.AttentionOf(i).ToArray();
            Assert.Equal(1.0, attention.Sum(), 3);
        }
    }

    [Fact]
    public void The_head_read_from_the_metadata_gives_the_graphs_map_attention_and_score_from_its_features() =>
        AssertHeadMatchesGraph(ModelPath, ReferenceDir);

    /// <summary>ModelHead, read from the model's metadata, turns the reference features into the graph's map and score.</summary>
    internal static void AssertHeadMatchesGraph(string modelPath, string referenceDir)
    {
        // learn scores held-out footage with ModelHead instead of the graph: it must be the graph's arithmetic.
        var (t, atol, rtol) = LoadReference(referenceDir);
        using var model = AnomalyModel.Load(modelPath, OnnxSessionOptions.Cpu);
        var head = Assert.IsType<ModelHead>(model.Head);
        int n = t["frames"].Shape[0], len = model.ProfileLength, cells = model.Cells;
        var s = new float[cells];
        for (var i = 0; i < n; i++)
        {
            var features = t["features"].Data.AsSpan(i * len, len);
            var mean = t["profile_mean"].Data.Skip(i * len).Take(len).Select(v => (double)v).ToArray();
            var var = t["profile_var"].Data.Skip(i * len).Take(len).Select(v => (double)v).ToArray();
            head.Distances(features, mean, var, s);
            AssertClose("anomaly_map", t["anomaly_map"].Data.AsSpan(i * cells, cells).ToArray(), s.Select(head.Map).ToArray(), atol, rtol);
            AssertClose("score", [t["score"].Data[i]], [head.Score(s)], atol, rtol);
            Assert.Equal(s.Max(), head.DistanceAt(head.Map(s.Max())), 3);
        }
    }

    [Fact]
    public void The_model_follows_the_contract_and_carries_its_metadata() => AssertFollowsContract(ModelPath);

    /// <summary>The model's window, feature count and identity are what the contract allows.</summary>
    internal static void AssertFollowsContract(string modelPath)
    {
        using var model = AnomalyModel.Load(modelPath, OnnxSessionOptions.Cpu);
        Assert.True(model.T >= 2 && model.H >= 32 && model.W >= 32, $"window {model.T}x{model.H}x{model.W}");
        Assert.True(model.D is >= 1 and <= 32, $"D = {model.D}");
        Assert.Matches("^[0-9a-f]{64}$", model.Sha256);
        Assert.Contains(model.Sha256[..12], model.Version);
    }

    private static FrameWindow WindowOf(AnomalyModel model)
    {
        var w = new FrameWindow(model.T, model.H, model.W);
        w.Push(new byte[model.H * model.W]);
        return w;
    }

    private static void AssertClose(string name, float[] expected, ReadOnlySpan<float> actual, double atol, double rtol)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            var allowed = atol + rtol * Math.Abs(expected[i]);
            Assert.True(diff <= allowed, $"{name}[{i}]: expected {expected[i]}, got {actual[i]} (|diff| {diff:g3} > {allowed:g3})");
            worst = Math.Max(worst, diff);
        }
    }
}
