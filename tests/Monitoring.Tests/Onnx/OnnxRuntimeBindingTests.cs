using System.Runtime.InteropServices;
using Monitoring.Native.Onnx;
using Xunit.Abstractions;

namespace Monitoring.Tests.Onnx;

/// <summary>The OrtApi binding itself: the library loads, the table is the one we counted.</summary>
public sealed class OnnxRuntimeBindingTests(ITestOutputHelper output)
{
    [Fact]
    public void Version_is_the_pinned_release()
    {
        Assert.Equal("1.30.0", OnnxRuntime.Version);
        Assert.EndsWith("libonnxruntime.so.1", OnnxRuntime.LibraryPath);
    }

    [Fact]
    public unsafe void Status_functions_round_trip_code_and_message()
    {
        // Indices 0 (CreateStatus), 1 (GetErrorCode), 2 (GetErrorMessage) and 93 (ReleaseStatus): a table
        // misread by even one slot would return a different code, a different text, or crash.
        var api = OrtApi.Instance;
        fixed (byte* msg = "probe message \u00e9\0"u8)
        {
            var status = api.CreateStatus((int)OrtErrorCode.InvalidGraph, msg);
            Assert.NotEqual(0, status);
            Assert.Equal((int)OrtErrorCode.InvalidGraph, api.GetErrorCode(status));
            Assert.Equal("probe message \u00e9", Marshal.PtrToStringUTF8((nint)api.GetErrorMessage(status)));
            api.ReleaseStatus(status);
        }

        nint second;
        fixed (byte* msg = "second\0"u8) second = api.CreateStatus((int)OrtErrorCode.NoSuchFile, msg);
        var e = api.ToException(second); // reads code and message, releases the status
        Assert.Equal(OrtErrorCode.NoSuchFile, e.ErrorCode);
        Assert.Equal("second", e.Message);
        api.Check(0); // a null status is success
    }

    [Fact]
    public void Available_providers_include_the_cpu()
    {
        var providers = OnnxRuntime.AvailableProviders;
        output.WriteLine("available providers: " + string.Join(", ", providers));
        Assert.Contains("CPUExecutionProvider", providers);
    }

    [Fact]
    public void Api_table_indices_are_distinct_and_in_order()
    {
        // Guards against a typo in the index list (two members on one slot).
        var indices = typeof(OrtApi.Index).GetFields().Select(f => (int)f.GetRawConstantValue()!).ToList();
        Assert.Equal(indices.Count, indices.Distinct().Count());
        Assert.All(indices, i => Assert.InRange(i, 0, 208));
    }
}
