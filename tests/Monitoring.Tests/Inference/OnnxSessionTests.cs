using System.Diagnostics;
using Monitoring.Inference;
using Xunit.Abstractions;

namespace Monitoring.Tests.Inference;

/// <summary>A real ORT session on the tiny test model (tests/Monitoring.Tests/assets/onnx).</summary>
public sealed class OnnxSessionTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-5f;

    private static OnnxSession LoadTiny() => OnnxSession.Load(OnnxTestModels.TinyAnomaly, OnnxSessionOptions.Cpu);

    [Fact]
    public void Load_reads_inputs_outputs_and_metadata()
    {
        using var session = LoadTiny();

        Assert.Equal(ExecutionProvider.Cpu, session.ActiveProvider);
        Assert.Equal(Path.GetFullPath(OnnxTestModels.TinyAnomaly), session.ModelPath);

        Assert.Equal(["frames", "bias_map"], session.Inputs.Select(i => i.Name));
        Assert.Equal(["score", "anomaly_map"], session.Outputs.Select(o => o.Name));
        Assert.All(session.Inputs.Concat(session.Outputs), t => Assert.True(t.IsFloatTensor, t.ToString()));

        Assert.Equal([-1L, 2, 6, 8], session.Inputs[0].Shape);
        Assert.Equal([-1L, 1, 6, 8], session.Inputs[1].Shape);
        Assert.Equal([-1L], session.Outputs[0].Shape);
        Assert.Equal([-1L, 1, 6, 8], session.Outputs[1].Shape);
        Assert.Equal("N", session.Inputs[0].DimensionNames[0]);
        Assert.Equal("", session.Inputs[0].DimensionNames[1]);
        Assert.Equal("[N, 2, 6, 8] (N dynamic)", session.Inputs[0].ExpectedShapeText());

        Assert.Equal("tiny_anomaly", session.Metadata["model_name"]);
        Assert.Equal("Monitoring ONNX binding tests", session.Metadata["purpose"]);
        Assert.Equal("none", session.Metadata["input_normalisation"]);
        Assert.Equal(3, session.Metadata.Count);
        output.WriteLine(session.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_reproduces_the_reference_outputs(int batch)
    {
        var reference = OnnxTestModels.ReferenceCases().Single(c => c.Batch == batch);
        using var session = LoadTiny();

        var (inputs, outputs) = Buffers(reference);
        // Poison the output buffers: Run must overwrite every element.
        foreach (var o in outputs) o.Data.Span.Fill(float.NaN);
        session.Run(inputs, outputs);

        foreach (var expected in reference.Outputs)
        {
            var actual = outputs.Single(o => o.Name == expected.Name).Data.Span;
            Assert.Equal(expected.Data.Length, actual.Length);
            for (var i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(expected.Data[i] - actual[i]) <= Tolerance,
                    $"{expected.Name}[{i}]: expected {expected.Data[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Run_writes_into_the_callers_output_buffers_and_a_subset_of_outputs_is_allowed()
    {
        var reference = OnnxTestModels.ReferenceCases().Single(c => c.Batch == 3);
        using var session = LoadTiny();
        var (inputs, _) = Buffers(reference);

        // A slice of a larger array: ORT must write exactly there, and nowhere else.
        var backing = new float[10];
        Array.Fill(backing, -7f);
        var score = new NamedTensor("score", backing.AsMemory(4, 3), [3]);
        session.Run(inputs, [score]);

        var expected = reference.Outputs.Single(o => o.Name == "score").Data;
        for (var i = 0; i < 3; i++) Assert.Equal(expected[i], backing[4 + i], Tolerance);
        Assert.All(backing[..4], v => Assert.Equal(-7f, v));
        Assert.All(backing[7..], v => Assert.Equal(-7f, v));
    }

    [Fact]
    public void A_binding_runs_on_what_its_buffers_hold_at_run_time_and_allocates_nothing()
    {
        var cases = OnnxTestModels.ReferenceCases();
        var one = cases.Single(c => c.Batch == 3);
        using var session = LoadTiny();
        var (inputs, outputs) = Buffers(one);
        using var binding = session.Bind(inputs, outputs);

        // Bound once with zeros, then filled: the run must read the buffers as they are when it runs.
        var (fresh, _) = Buffers(one);
        foreach (var t in inputs) t.Data.Span.Clear();
        binding.Run();
        var zeroScore = outputs.Single(o => o.Name == "score").Data.Span[0];
        for (var k = 0; k < inputs.Length; k++) fresh[k].Data.Span.CopyTo(inputs[k].Data.Span);
        foreach (var o in outputs) o.Data.Span.Fill(float.NaN);
        binding.Run();
        foreach (var expected in one.Outputs)
        {
            var actual = outputs.Single(o => o.Name == expected.Name).Data.Span;
            for (var i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(expected.Data[i] - actual[i]) <= Tolerance, $"{expected.Name}[{i}]: expected {expected.Data[i]}, got {actual[i]}");
        }
        output.WriteLine($"score on zeros {zeroScore}, on the reference input {outputs.Single(o => o.Name == "score").Data.Span[0]}");

        for (var i = 0; i < 20; i++) binding.Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++) binding.Run();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);

        // A binding is checked like a run, once, when it is made.
        var e = Assert.Throws<InferenceException>(() =>
            session.Bind([new NamedTensor("frames", new float[95], [1, 2, 6, 8])], outputs));
        Assert.Contains("input 'frames' has shape [1, 2, 6, 8] (96 elements) but its buffer holds 95 floats", e.Message);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => binding.Run());
    }

    [Fact]
    public void Wrong_input_shape_names_the_input_and_the_expected_shape()
    {
        using var session = LoadTiny();
        var inputs = new[]
        {
            new NamedTensor("frames", new float[1 * 3 * 100 * 100], [1, 3, 100, 100]),
            new NamedTensor("bias_map", new float[48], [1, 1, 6, 8]),
        };
        var outputs = new[] { new NamedTensor("score", new float[1], [1]) };

        var e = Assert.Throws<InferenceException>(() => session.Run(inputs, outputs));
        output.WriteLine(e.Message);
        Assert.Contains("input 'frames' expects shape [N, 2, 6, 8] (N dynamic), got [1, 3, 100, 100]", e.Message);

        // Wrong rank.
        inputs[0] = new NamedTensor("frames", new float[96], [2, 6, 8]);
        e = Assert.Throws<InferenceException>(() => session.Run(inputs, outputs));
        Assert.Contains("input 'frames' expects shape [N, 2, 6, 8]", e.Message);
    }

    [Fact]
    public void Buffer_length_batch_mismatch_and_output_shape_are_checked_before_ort_runs()
    {
        using var session = LoadTiny();
        var frames = new NamedTensor("frames", new float[96], [1, 2, 6, 8]);
        var bias = new NamedTensor("bias_map", new float[48], [1, 1, 6, 8]);
        var score = new NamedTensor("score", new float[1], [1]);

        var e = Assert.Throws<InferenceException>(() =>
            session.Run([frames with { Data = new float[95] }, bias], [score]));
        Assert.Contains("input 'frames' has shape [1, 2, 6, 8] (96 elements) but its buffer holds 95 floats", e.Message);

        e = Assert.Throws<InferenceException>(() =>
            session.Run([frames, bias], [new NamedTensor("anomaly_map", new float[48], [1, 2, 6, 4])]));
        Assert.Contains("output 'anomaly_map' expects shape [N, 1, 6, 8] (N dynamic), got [1, 2, 6, 4]", e.Message);

        e = Assert.Throws<InferenceException>(() =>
            session.Run([frames, bias], [new NamedTensor("score", new float[2], [2])]));
        Assert.Contains("dimension 'N' is 1 in input 'frames' but 2 in output 'score'", e.Message);
    }

    [Fact]
    public void Unknown_missing_and_duplicate_names_are_clear_errors()
    {
        using var session = LoadTiny();
        var frames = new NamedTensor("frames", new float[96], [1, 2, 6, 8]);
        var bias = new NamedTensor("bias_map", new float[48], [1, 1, 6, 8]);
        var score = new NamedTensor("score", new float[1], [1]);

        var e = Assert.Throws<InferenceException>(() =>
            session.Run([frames, new NamedTensor("bias", new float[48], [1, 1, 6, 8])], [score]));
        output.WriteLine(e.Message);
        Assert.Contains("no input named 'bias'", e.Message);
        Assert.Contains("'frames'", e.Message);
        Assert.Contains("'bias_map'", e.Message);

        e = Assert.Throws<InferenceException>(() => session.Run([frames], [score]));
        Assert.Contains("input 'bias_map'", e.Message);
        Assert.Contains("missing", e.Message);

        e = Assert.Throws<InferenceException>(() => session.Run([frames, frames], [score]));
        Assert.Contains("more than once", e.Message);

        e = Assert.Throws<InferenceException>(() =>
            session.Run([frames, bias], [new NamedTensor("heatmap", new float[1], [1])]));
        Assert.Contains("no output named 'heatmap'", e.Message);
        Assert.Contains("'anomaly_map'", e.Message);

        e = Assert.Throws<InferenceException>(() => session.Run([frames, bias], []));
        Assert.Contains("at least one output", e.Message);
    }

    [Fact]
    public void Missing_model_file_is_a_clear_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => OnnxSession.Load(path, OnnxSessionOptions.Cpu));
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FileName);
    }

    [Fact]
    public void Garbage_model_file_is_a_clear_error_with_orts_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not a protobuf, just some text pretending to be a model\n");
        try
        {
            var e = Assert.Throws<InferenceException>(() => OnnxSession.Load(path, OnnxSessionOptions.Cpu));
            output.WriteLine(e.Message);
            Assert.Contains(path, e.Message);
            Assert.False(string.IsNullOrWhiteSpace(e.OrtMessage));
            Assert.Contains(e.OrtMessage, e.Message);
            Assert.NotEqual(ErrorCode.Ok, e.ErrorCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Concurrent_runs_on_one_session_give_the_reference_results()
    {
        var reference = OnnxTestModels.ReferenceCases().Single(c => c.Batch == 3);
        var expected = reference.Outputs.Single(o => o.Name == "anomaly_map").Data;
        using var session = OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Cpu, IntraOpThreads: 1));

        var tasks = Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
        {
            var (inputs, outputs) = Buffers(reference);
            var map = outputs.Single(o => o.Name == "anomaly_map").Data;
            for (var iteration = 0; iteration < 200; iteration++)
            {
                map.Span.Clear();
                session.Run(inputs, outputs);
                var span = map.Span;
                for (var i = 0; i < span.Length; i++)
                    if (Math.Abs(span[i] - expected[i]) > Tolerance)
                        throw new Xunit.Sdk.XunitException($"iteration {iteration}: anomaly_map[{i}] = {span[i]}, expected {expected[i]}");
            }
        })).ToArray();
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void Dispose_twice_is_safe_and_run_after_dispose_throws()
    {
        var session = LoadTiny();
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() =>
            session.Run([new NamedTensor("frames", new float[96], [1, 2, 6, 8])], [new NamedTensor("score", new float[1], [1])]));
    }

    [Fact]
    public async Task Dispose_while_runs_are_in_flight_lets_them_finish_or_refuses_cleanly()
    {
        var reference = OnnxTestModels.ReferenceCases().Single(c => c.Batch == 3);
        var session = OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Cpu, IntraOpThreads: 1));
        using var started = new CountdownEvent(4);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var (inputs, outputs) = Buffers(reference);
            var completed = 0;
            started.Signal();
            try
            {
                while (true)
                {
                    session.Run(inputs, outputs);
                    completed++;
                }
            }
            catch (ObjectDisposedException)
            {
                return completed;
            }
        })).ToArray();
        started.Wait();
        await Task.Delay(50);
        session.Dispose();
        var counts = await Task.WhenAll(tasks);
        // Each worker ended with ObjectDisposedException (anything else would surface from WhenAll); no crash.
        output.WriteLine($"runs completed before dispose: {string.Join(", ", counts)}");
    }

    [Fact]
    public void Options_are_applied_and_validated()
    {
        using var session = OnnxSession.Load(OnnxTestModels.TinyAnomaly,
            new OnnxSessionOptions(ExecutionProvider.Cpu, IntraOpThreads: 2, InterOpThreads: 1, Optimization: Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL));
        var reference = OnnxTestModels.ReferenceCases().Single(c => c.Batch == 1);
        var (inputs, outputs) = Buffers(reference);
        session.Run(inputs, outputs);
        Assert.Equal(reference.Outputs[0].Data[0], outputs[0].Data.Span[0], Tolerance);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Cpu, IntraOpThreads: -1)));
    }

    [Fact]
    public void Rough_latency_is_printed()
    {
        var reference = OnnxTestModels.ReferenceCases().Single(c => c.Batch == 3);
        using var session = LoadTiny();
        var (inputs, outputs) = Buffers(reference);
        for (var i = 0; i < 50; i++) session.Run(inputs, outputs);

        const int runs = 2000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++) session.Run(inputs, outputs);
        sw.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"tiny_anomaly batch 3 on CPU: {sw.Elapsed.TotalMicroseconds / runs:F1} µs per Run, " +
                         $"{allocated / runs} bytes managed allocation per Run (not asserted)");
    }

    private static (NamedTensor[] Inputs, NamedTensor[] Outputs) Buffers(OnnxTestModels.ReferenceCase reference) =>
        (reference.Inputs.Select(t => new NamedTensor(t.Name, t.Data.ToArray(), t.Shape)).ToArray(),
         reference.Outputs.Select(t => new NamedTensor(t.Name, new float[t.Data.Length], t.Shape)).ToArray());
}
