using Monitoring.Configuration;
using Monitoring.Regions;

namespace Monitoring.Tests.TestSupport;

/// <summary>Builds synthetic anomaly maps: "#"-style rows or filled rectangles.</summary>
internal static class SyntheticMaps
{
    /// <summary>Each row is a string; '.' = 0, a digit d = d/10 (so '9' = 0.9), '#' = 1.</summary>
    public static float[] FromRows(params string[] rows)
    {
        int w = rows[0].Length, h = rows.Length;
        var map = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                char c = rows[y][x];
                map[y * w + x] = c switch { '.' => 0f, '#' => 1f, _ => (c - '0') / 10f };
            }
        }
        return map;
    }

    public static float[] Blobs(int w, int h, params (int X, int Y, int W, int H, float P)[] blobs)
    {
        var map = new float[w * h];
        foreach (var b in blobs)
            for (int y = b.Y; y < b.Y + b.H; y++)
                for (int x = b.X; x < b.X + b.W; x++)
                    map[y * w + x] = b.P;
        return map;
    }

    public static FrameAnalysis Frame(float[] map, int mapWidth, int mapHeight, int frameWidth, int frameHeight,
        long index = 0, DateTimeOffset? at = null, string camera = "cam") =>
        new(camera, index, at ?? DateTimeOffset.UnixEpoch, map.Length == 0 ? 0 : map.Max(), map, mapWidth, mapHeight, frameWidth, frameHeight);

    public static PolygonPoint[] Rect(double x, double y, double w, double h) =>
    [
        new() { X = x, Y = y }, new() { X = x + w, Y = y }, new() { X = x + w, Y = y + h }, new() { X = x, Y = y + h },
    ];
}
