using System.Diagnostics;
using Monitoring.Analysis;
using Monitoring.Native.OpenCv;

namespace Monitoring.Benchmarking;

/// <summary>The model alone: batches of real windows (frames of the clip) run back to back for a fixed time.</summary>
public static class ModelProbe
{
    public static ModelResult Run(AnomalyModel model, string clip, int batchSize, int intraOpThreads, double seconds)
    {
        using var batch = model.CreateBatch(batchSize);
        var window = new FrameWindow(model.T, model.H, model.W);
        var grey = new byte[model.H * model.W];
        using (var cap = VideoCapture.Open(clip))
        {
            for (var i = 0; i < batchSize; i++)
            {
                if (cap.Read(grey, model.W, model.H, PixelFormat.Gray8) != FrameStatus.Ok) break;
                window.Push(grey);
                batch.Add(window, null);
            }
        }
        while (batch.Count < batchSize) batch.Add(window, null);
        for (var i = 0; i < 3; i++) model.Run(batch); // warm-up: ORT allocates its arenas on the first calls
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || times.Count < 5)
        {
            var t0 = Stopwatch.GetTimestamp();
            model.Run(batch);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        var s = clock.Elapsed.TotalSeconds;
        var sorted = times.ToArray();
        Array.Sort(sorted);
        return new ModelResult(batchSize, intraOpThreads, model.ActiveProvider.ToString(), times.Count, s,
            times.Count * batchSize / s, 1000 * s / times.Count,
            1000 * LatencySummary.Rank(sorted, 0.5), 1000 * LatencySummary.Rank(sorted, 0.99));
    }
}
