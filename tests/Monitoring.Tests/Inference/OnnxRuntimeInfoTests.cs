using Monitoring.Inference;
using Xunit.Abstractions;

namespace Monitoring.Tests.Inference;

/// <summary>The ONNX Runtime package itself: the version we pin, its native libraries beside the app, its providers.</summary>
public sealed class OnnxRuntimeInfoTests(ITestOutputHelper output)
{
    [Fact]
    public void Version_is_the_pinned_package_release()
    {
        Assert.Equal("1.32.0", OnnxRuntimeInfo.Version);
    }

    [Fact]
    public void The_package_ships_the_cpu_and_cuda_libraries_beside_the_app()
    {
        Assert.True(File.Exists(Path.Combine(OnnxRuntimeInfo.NativeDirectory, "libonnxruntime.so")), OnnxRuntimeInfo.NativeDirectory);
        Assert.True(File.Exists(Path.Combine(OnnxRuntimeInfo.NativeDirectory, OnnxRuntimeInfo.CudaProviderLibrary)));
    }

    [Fact]
    public void Available_providers_include_the_cpu_and_cuda()
    {
        var providers = OnnxRuntimeInfo.AvailableProviders;
        output.WriteLine("available providers: " + string.Join(", ", providers));
        Assert.Contains("CPUExecutionProvider", providers);
        Assert.Contains("CUDAExecutionProvider", providers);
    }
}
