using Microsoft.Extensions.Logging;
using Monitoring.Native.Onnx;
using Xunit.Abstractions;
using Monitoring.Tests.TestSupport;

namespace Monitoring.Tests.Onnx;

/// <summary>
/// Execution provider selection. These tests expect the CUDA provider library to be absent (the npm build
/// ships none); where someone installed it beside libonnxruntime.so.1 they only report that.
/// </summary>
public sealed class OnnxProviderTests(ITestOutputHelper output)
{
    private static bool CudaProviderInstalled =>
        File.Exists(Path.Combine(Path.GetDirectoryName(OnnxRuntime.LibraryPath)!, OnnxSession.CudaProviderLibrary));

    [Fact]
    public void Cuda_without_the_provider_library_is_a_clear_error()
    {
        if (CudaProviderInstalled)
        {
            output.WriteLine($"{OnnxSession.CudaProviderLibrary} is installed; not testing its absence.");
            return;
        }
        var e = Assert.Throws<OnnxRuntimeException>(() =>
            OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Cuda)));
        output.WriteLine(e.Message);
        Assert.Contains("libonnxruntime_providers_cuda.so", e.Message);
        Assert.Contains(OnnxRuntime.LibraryPath, e.Message);
        Assert.Contains("cuDNN", e.Message);
        Assert.Contains("'cpu'", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.OrtMessage));
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_with_exactly_one_warning()
    {
        if (CudaProviderInstalled)
        {
            output.WriteLine($"{OnnxSession.CudaProviderLibrary} is installed; not testing the fallback.");
            return;
        }
        var logger = new CapturingLogger();
        using var session = OnnxSession.Load(OnnxTestModels.TinyAnomaly, new OnnxSessionOptions(ExecutionProvider.Auto), logger);

        Assert.Equal(ExecutionProvider.Cpu, session.ActiveProvider);
        var warnings = logger.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.Single(warnings);
        output.WriteLine(warnings[0].Message);
        Assert.Contains("CUDA", warnings[0].Message);
        Assert.Contains(OnnxSession.CudaProviderLibrary, warnings[0].Message);

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
            var e = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.Load(path, new OnnxSessionOptions(), logger));
            Assert.Contains(path, e.Message);
            Assert.DoesNotContain(logger.Entries, x => x.Level >= LogLevel.Warning);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
