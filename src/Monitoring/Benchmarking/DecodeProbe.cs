using System.Diagnostics;
using Monitoring.Native.OpenCv;

namespace Monitoring.Benchmarking;

/// <summary>
/// Capture paths over the reference clip, one thread, each for a fixed time (the clip re-opened at its end):
/// <list type="bullet">
/// <item><c>grab</c>: demux + decode, no colour conversion (OpenCV's FFmpeg grab decodes; retrieve converts);</item>
/// <item><c>decode-bgr</c>: decode + convert to BGR at the native size (what "decoding a frame" usually means);</item>
/// <item><c>decode-grey-model</c>: decode + resize to the model's H×W grey (the analysis path);</item>
/// <item><c>decode-grey-model+bgr</c>: that plus RetrieveLast full-size BGR for snapshots — what CameraSource does
/// per analysed frame when snapshots are on (the daemon's default).</item>
/// </list>
/// </summary>
public static class DecodeProbe
{
    public const string DaemonPath = "decode-grey-model+bgr";

    public static List<DecodeResult> Run(string clip, int modelW, int modelH, double seconds)
    {
        var results = new List<DecodeResult>();
        int w, h;
        using (var probe = VideoCapture.Open(clip)) (w, h) = (probe.Width, probe.Height);
        var grey = new byte[modelW * modelH];
        var bgr = new byte[w * h * 3];
        results.Add(Measure("grab", $"demux + decode ({w}x{h}), no conversion", clip, seconds, c => c.Grab()));
        results.Add(Measure("decode-bgr", $"decode + BGR at {w}x{h}", clip, seconds,
            c => c.Read(bgr, w, h, PixelFormat.Bgr24) == FrameStatus.Ok));
        results.Add(Measure("decode-grey-model", $"decode + resize to {modelW}x{modelH} grey (analysis input)", clip, seconds,
            c => c.Read(grey, modelW, modelH, PixelFormat.Gray8) == FrameStatus.Ok));
        results.Add(Measure(DaemonPath, $"decode + {modelW}x{modelH} grey + RetrieveLast {w}x{h} BGR (CameraSource with snapshots)", clip, seconds,
            c =>
            {
                if (c.Read(grey, modelW, modelH, PixelFormat.Gray8) != FrameStatus.Ok) return false;
                c.RetrieveLast(bgr, w, h, PixelFormat.Bgr24);
                return true;
            }));
        return results;
    }

    private static DecodeResult Measure(string name, string description, string clip, double seconds, Func<VideoCapture, bool> step)
    {
        // Warm-up: one short pass so codec set-up and page cache are out of the figure.
        using (var warm = VideoCapture.Open(clip))
            for (var i = 0; i < 20 && step(warm); i++) { }
        long frames = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            using var cap = VideoCapture.Open(clip);
            while (clock.Elapsed.TotalSeconds < seconds && step(cap)) frames++;
        }
        var s = clock.Elapsed.TotalSeconds;
        return new DecodeResult(name, description, frames, s, frames / s, 1000 * s / Math.Max(1, frames));
    }
}
