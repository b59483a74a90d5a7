using BenchmarkDotNet.Attributes;
using Monitoring.Configuration;
using Monitoring.Regions;

namespace Monitoring.Benchmarks;

/// <summary>
/// Region extraction on a realistic map: the model's 24×16 grid over a 768×576 frame, two anomalous blobs (one of
/// them inside a zone with its own threshold), low noise elsewhere, one mask polygon — as the alert stage runs it per
/// analysed frame. <see cref="Quiet"/> is the common case: nothing above threshold.
/// </summary>
[MemoryDiagnoser]
public class RegionBenchmarks
{
    private const int CellsW = 24, CellsH = 16, FrameW = 768, FrameH = 576;
    private RegionExtractor _extractor = null!;
    private FrameAnalysis _busy = null!;
    private FrameAnalysis _quiet = null!;

    [GlobalSetup]
    public void Setup()
    {
        _extractor = new RegionExtractor(new RegionOptions
        {
            Threshold = 0.5f,
            MinAreaCells = 2,
            Masks = [new MaskOptions { Name = "sky", Points = Rect(0, 0, 768, 64) }],
            Zones = [new ZoneOptions { Name = "door", Threshold = 0.4f, Points = Rect(500, 200, 200, 250) }],
        });
        var random = new Random(3);
        var busy = new float[CellsW * CellsH];
        var quiet = new float[CellsW * CellsH];
        for (var i = 0; i < busy.Length; i++) busy[i] = quiet[i] = 0.15f * random.NextSingle();
        Blob(busy, 5, 8, 3, 0.9f);   // a person where nobody walks
        Blob(busy, 18, 9, 2, 0.6f);  // something in the door zone
        _busy = Analysis(busy);
        _quiet = Analysis(quiet);
    }

    [Benchmark]
    public int Busy() => _extractor.Observe(_busy).Regions.Count;

    [Benchmark]
    public int Quiet() => _extractor.Observe(_quiet).Regions.Count;

    private static FrameAnalysis Analysis(float[] map) =>
        new("bench", 0, DateTimeOffset.UnixEpoch, 0.5f, map, CellsW, CellsH, FrameW, FrameH);

    private static void Blob(float[] map, int cx, int cy, int radius, float peak)
    {
        for (var y = cy - radius; y <= cy + radius; y++)
            for (var x = cx - radius; x <= cx + radius; x++)
            {
                if ((uint)x >= CellsW || (uint)y >= CellsH) continue;
                var d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius + 1);
                map[y * CellsW + x] = Math.Max(map[y * CellsW + x], (float)(peak * (1 - 0.5 * d)));
            }
    }

    private static PolygonPoint[] Rect(double x, double y, double w, double h) =>
        [new() { X = x, Y = y }, new() { X = x + w, Y = y }, new() { X = x + w, Y = y + h }, new() { X = x, Y = y + h }];
}
