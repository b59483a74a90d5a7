namespace Monitoring.Evaluation;

/// <summary>A tiny line-plot rasteriser into a BGR24 buffer (axes, grid, polylines, shaded spans); text is drawn by the caller.</summary>
public sealed class RasterPlot
{
    public RasterPlot(int width, int height, int margin = 40)
    {
        Width = width;
        Height = height;
        Margin = margin;
        Pixels = new byte[width * height * 3];
        Array.Fill(Pixels, (byte)255);
    }

    public int Width { get; }
    public int Height { get; }
    public int Margin { get; }
    public byte[] Pixels { get; }

    /// <summary>Maps data coordinates (x, y in [0,1]) to pixels inside the margins.</summary>
    public (int X, int Y) ToPixel(double x, double y) =>
        ((int)Math.Round(Margin + x * (Width - 2 * Margin)), (int)Math.Round(Height - Margin - y * (Height - 2 * Margin)));

    public void Axes()
    {
        for (var g = 0; g <= 10; g++)
        {
            var v = g / 10.0;
            Line(0, v, 1, v, (235, 235, 235));
            Line(v, 0, v, 1, (235, 235, 235));
        }
        Line(0, 0, 1, 0, (0, 0, 0));
        Line(0, 0, 0, 1, (0, 0, 0));
    }

    /// <summary>Shades the x-span [x0, x1] (data units) from bottom to top.</summary>
    public void Span(double x0, double x1, (byte B, byte G, byte R) color)
    {
        var (px0, _) = ToPixel(x0, 0);
        var (px1, _) = ToPixel(x1, 0);
        var (_, top) = ToPixel(0, 1);
        var (_, bottom) = ToPixel(0, 0);
        for (var y = top; y <= bottom; y++)
            for (var x = Math.Max(0, px0); x <= Math.Min(Width - 1, px1); x++) Set(x, y, color);
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, (byte B, byte G, byte R) color, int thickness = 2)
    {
        for (var i = 1; i < points.Count; i++)
            Line(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, color, thickness);
    }

    public void Line(double x0, double y0, double x1, double y1, (byte B, byte G, byte R) color, int thickness = 1)
    {
        var (ax, ay) = ToPixel(x0, y0);
        var (bx, by) = ToPixel(x1, y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;
        while (true)
        {
            for (var t = 0; t < thickness; t++)
                for (var u = 0; u < thickness; u++) Set(ax + t - thickness / 2, ay + u - thickness / 2, color);
            if (ax == bx && ay == by) break;
            var e2 = 2 * err;
            if (e2 >= dy) { err += dy; ax += sx; }
            if (e2 <= dx) { err += dx; ay += sy; }
        }
    }

    private void Set(int x, int y, (byte B, byte G, byte R) c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        var i = (y * Width + x) * 3;
        Pixels[i] = c.B;
        Pixels[i + 1] = c.G;
        Pixels[i + 2] = c.R;
    }
}
