using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Monitoring.Tests.TestSupport;

/// <summary>Finds the repository (the folder holding Monitoring.sln) from the test binaries.</summary>
public static class OnnxTestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Monitoring.sln"))) return d.FullName;
        throw new InvalidOperationException($"No Monitoring.sln above {AppContext.BaseDirectory}.");
    });

    public static string RepoRoot => Root.Value;

    /// <summary>tests/Monitoring.Tests/assets/onnx (models made by make_test_models.py).</summary>
    public static string AssetsDir => Path.Combine(RepoRoot, "tests", "Monitoring.Tests", "assets", "onnx");
}

/// <summary>The tiny test model (2 inputs, 2 outputs, dynamic batch "N") and torch's reference results.</summary>
public static class OnnxTestModels
{
    public static string TinyAnomaly => Path.Combine(OnnxTestPaths.AssetsDir, "tiny_anomaly.onnx");

    public sealed record Tensor(string Name, long[] Shape, float[] Data);

    public sealed record ReferenceCase(int Batch, IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor> Outputs);

    /// <summary>The reference cases of reference/manifest.json (raw little-endian float32 files).</summary>
    public static IReadOnlyList<ReferenceCase> ReferenceCases()
    {
        var dir = Path.Combine(OnnxTestPaths.AssetsDir, "reference");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        var cases = new List<ReferenceCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            cases.Add(new ReferenceCase(c.GetProperty("batch").GetInt32(),
                ReadTensors(dir, c.GetProperty("inputs")), ReadTensors(dir, c.GetProperty("outputs"))));
        return cases;
    }

    private static List<Tensor> ReadTensors(string dir, JsonElement group)
    {
        var list = new List<Tensor>();
        foreach (var p in group.EnumerateObject())
        {
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var bytes = File.ReadAllBytes(Path.Combine(dir, p.Value.GetProperty("file").GetString()!));
            Assert.True(BitConverter.IsLittleEndian, "reference files are little-endian float32");
            var data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), data.Length);
            list.Add(new Tensor(p.Name, shape, data));
        }
        return list;
    }
}

/// <summary>An ILogger that keeps what it is given, for asserting on warnings.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get { lock (_entries) return _entries.ToList(); }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        lock (_entries) _entries.Add((logLevel, formatter(state, exception)));
    }
}
