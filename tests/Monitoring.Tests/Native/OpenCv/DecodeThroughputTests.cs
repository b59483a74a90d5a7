using System.Diagnostics;
using Monitoring.Native.OpenCv;
using Xunit.Abstractions;

namespace Monitoring.Tests.Native.OpenCv;

/// <summary>
/// Measures (does not judge) decode speed on vtest.avi: native-size grey, grab only, and decode +
/// INTER_AREA resize to small grey sizes. The numbers go to the test output; run with
/// <c>--logger "console;verbosity=detailed" --filter DecodeThroughput</c> (pin a core with taskset to
/// get single-thread figures).
/// </summary>
public sealed class DecodeThroughputTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Measurement")]
    public void Measure_decode_fps_on_vtest()
    {
        var path = TestPaths.RequireVTest();
        var results = new List<string>();
        Measure("grab only (no decode)", cap => cap.Grab());
        var full = new byte[768 * 576 * 3];
        Measure("decode, native 768x576 BGR", cap => cap.Read(full, 768, 576, PixelFormat.Bgr24) == FrameStatus.Ok);
        var gray = new byte[768 * 576];
        Measure("decode, native 768x576 grey", cap => cap.Read(gray, 768, 576, PixelFormat.Gray8) == FrameStatus.Ok);
        var small = new byte[360 * 240];
        Measure("decode + resize 360x240 grey", cap => cap.Read(small, 360, 240, PixelFormat.Gray8) == FrameStatus.Ok);
        var tiny = new byte[192 * 144];
        Measure("decode + resize 192x144 grey", cap => cap.Read(tiny, 192, 144, PixelFormat.Gray8) == FrameStatus.Ok);
        Measure("decode + 360x240 grey + full BGR (RetrieveLast)", cap =>
        {
            if (cap.Read(small, 360, 240, PixelFormat.Gray8) != FrameStatus.Ok) return false;
            cap.RetrieveLast(full, 768, 576, PixelFormat.Bgr24);
            return true;
        });
        foreach (var line in results) output.WriteLine(line);
        Console.WriteLine(string.Join(Environment.NewLine, results));

        void Measure(string name, Func<VideoCapture, bool> step)
        {
            using var cap = VideoCapture.Open(path);
            var sw = Stopwatch.StartNew();
            var n = 0;
            while (step(cap)) n++;
            sw.Stop();
            Assert.True(n > 700, $"{name}: only {n} frames");
            results.Add($"{name,-50} {n / sw.Elapsed.TotalSeconds,8:F0} fps ({n} frames, {sw.Elapsed.TotalMilliseconds:F0} ms, OpenCV threads {OpenCvRuntime.Threads})");
        }
    }
}
