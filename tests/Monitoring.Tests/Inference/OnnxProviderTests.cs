using Microsoft.Extensions.Logging;
using Monitoring.Inference;
using Xunit.Abstractions;

namespace Monitoring.Tests.Inference;

/// <summary>
/// Execution provider selection. Without a GPU, CUDA cannot be enabled (the package ships the provider, but the
/// driver and the CUDA 13 libraries are absent): 'cuda' is a clear error and 'auto' falls back with one warning.
/// With a GPU, the CUDA tests run instead.
/// </summary>
public sealed class OnnxProviderTests(ITestOutputHelper output)
{
    [Fact]
    public void Cuda_where_it_cannot_be_enabled_is_a_clear_error()
    {
        if (CudaDevice.Present)
        {
            output.WriteLine("a CUDA device is present; Cuda_runs_the_reference_outputs_on_the_gpu covers this machine.");
            return;
        }
        var e = Assert.Throws<InferenceException>(() =>
            OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Cuda)));
        output.WriteLine(e.Message);
        Assert.Contains("CUDA execution provider could not be enabled", e.Message);
        Assert.Contains("CUDA 13", e.Message);
        // ORT's own log line (which library failed to load, and why) is quoted, not printed on stderr.
        Assert.Contains("Failed to load library", e.Message);
        Assert.Contains("cuDNN", e.Message);
        Assert.Contains("'cpu'", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.OrtMessage));
        Assert.Contains(e.OrtMessage, e.Message);
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_with_exactly_one_warning()
    {
        if (CudaDevice.Present)
        {
            output.WriteLine("a CUDA device is present; not testing the fallback.");
            return;
        }
        var logger = new CapturingLogger();
        using var session = OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Auto), logger);

        Assert.Equal(ExecutionProvider.Cpu, session.ActiveProvider);
        var warnings = logger.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.Single(warnings);
        output.WriteLine(warnings[0].Message);
        Assert.Contains("CUDA", warnings[0].Message);
        Assert.Contains("on the CPU", warnings[0].Message);
        Assert.Contains("'cpu'", warnings[0].Message);

        // And it runs.
        var score = new float[1];
        session.Run([new NamedTensor("frames", new float[96], [1, 2, 6, 8]), new NamedTensor("bias_map", new float[48], [1, 1, 6, 8])],
            [new NamedTensor("score", score, [1])]);
        Assert.InRange(score[0], 0f, 1f);
    }

    [Fact]
    public void Auto_with_a_garbage_model_reports_the_model_not_cuda()
    {
        var path = Path.Combine(Path.GetTempPath(), $"garbage-auto-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        try
        {
            var logger = new CapturingLogger();
            var e = Assert.Throws<InferenceException>(() => OnnxSession.Load(path, new OnnxSessionOptions(), logger));
            output.WriteLine(e.Message);
            Assert.Contains(path, e.Message);
            Assert.DoesNotContain("CUDA execution provider could not be enabled", e.Message);
            Assert.DoesNotContain(logger.Entries, x => x.Level >= LogLevel.Warning);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [RequiresCudaFact]
    public void Cuda_runs_the_reference_outputs_on_the_gpu()
    {
        var logger = new CapturingLogger();
        using var session = OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Cuda), logger);
        Assert.Equal(ExecutionProvider.Cuda, session.ActiveProvider);
        foreach (var reference in OnnxTestModels.ReferenceCases())
        {
            var inputs = reference.Inputs.Select(t => new NamedTensor(t.Name, t.Data.ToArray(), t.Shape)).ToArray();
            var outputs = reference.Outputs.Select(t => new NamedTensor(t.Name, new float[t.Data.Length], t.Shape)).ToArray();
            session.Run(inputs, outputs);
            for (var o = 0; o < outputs.Length; o++)
                for (var i = 0; i < reference.Outputs[o].Data.Length; i++)
                    Assert.Equal(reference.Outputs[o].Data[i], outputs[o].Data.Span[i], 1e-4f);
        }
    }
}
