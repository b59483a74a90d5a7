namespace Monitoring.Native.OpenCv;

/// <summary>A colour in OpenCV's channel order.</summary>
public readonly record struct BgrColor(byte B, byte G, byte R)
{
    public static BgrColor Red { get; } = new(0, 0, 255);
    public static BgrColor Green { get; } = new(0, 255, 0);
    public static BgrColor Yellow { get; } = new(0, 255, 255);
    public static BgrColor White { get; } = new(255, 255, 255);
    public static BgrColor Black { get; } = new(0, 0, 0);
}

/// <summary>
/// Drawing for snapshots, in place on a tightly packed BGR image (<c>width * height * 3</c> bytes).
/// Safe to call from any thread (on different images).
/// </summary>
public static class Overlay
{
    /// <summary>
    /// Blends a heatmap (values in [0, 1], row-major <paramref name="heatmapWidth"/> ×
    /// <paramref name="heatmapHeight"/>, any grid size; resized to the image) over the image with
    /// OpenCV's JET colour map. With <paramref name="alphaByValue"/> each pixel is blended with
    /// <c>alpha * value</c>, so cold cells leave the image untouched; otherwise every pixel with
    /// <paramref name="alpha"/>. Values outside [0, 1] are clamped, NaN counts as 0.
    /// </summary>
    public static unsafe void BlendHeatmap(Span<byte> bgr, int width, int height, ReadOnlySpan<float> heatmap,
        int heatmapWidth, int heatmapHeight, float alpha = 0.5f, bool alphaByValue = true)
    {
        var bytes = ImageChecks.Buffer(bgr.Length, width, height, PixelFormat.Bgr24, nameof(bgr));
        ImageChecks.Size(heatmapWidth, heatmapHeight, "heatmap");
        var cells = heatmapWidth * heatmapHeight;
        if (heatmap.Length < cells)
            throw new ArgumentException(
                $"A {heatmapWidth}x{heatmapHeight} heatmap needs {cells} values, but the buffer holds {heatmap.Length}.",
                nameof(heatmap));
        if (!(alpha is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1]");
        int status;
        fixed (byte* p = bgr)
        fixed (float* h = heatmap)
            status = NativeMethods.cvs_overlay_heatmap(p, bytes, width, height, h, cells, heatmapWidth, heatmapHeight,
                alpha, alphaByValue ? 1 : 0);
        NativeMethods.Check(status, "Heatmap overlay");
    }

    /// <summary>
    /// Draws the outline of the rectangle (<paramref name="x"/>, <paramref name="y"/>,
    /// <paramref name="rectWidth"/>, <paramref name="rectHeight"/>) in pixels, the outline lying
    /// inside and on that rectangle's edges; a negative <paramref name="thickness"/> fills it. Clipped to the image.
    /// </summary>
    public static unsafe void DrawRectangle(Span<byte> bgr, int width, int height, int x, int y, int rectWidth,
        int rectHeight, BgrColor color, int thickness = 2)
    {
        var bytes = ImageChecks.Buffer(bgr.Length, width, height, PixelFormat.Bgr24, nameof(bgr));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rectWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rectHeight);
        if (thickness == 0 || thickness > 64)
            throw new ArgumentOutOfRangeException(nameof(thickness), thickness, "thickness must be 1..64, or negative to fill");
        int status;
        fixed (byte* p = bgr)
            status = NativeMethods.cvs_draw_rectangle(p, bytes, width, height, x, y, rectWidth, rectHeight, color.B,
                color.G, color.R, thickness);
        NativeMethods.Check(status, "Drawing a rectangle");
    }

    /// <summary>
    /// Draws a one-line label with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>),
    /// on a filled <paramref name="background"/> box unless it is null. OpenCV's Hershey font is ASCII
    /// only: other characters show as '?'. At most 256 characters.
    /// </summary>
    public static unsafe void PutText(Span<byte> bgr, int width, int height, string text, int x, int y, BgrColor color,
        double scale = 0.5, int thickness = 1, BgrColor? background = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = ImageChecks.Buffer(bgr.Length, width, height, PixelFormat.Bgr24, nameof(bgr));
        if (!(scale is >= 0.1 and <= 10)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be in [0.1, 10]");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(thickness);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thickness, 16);
        var bg = background ?? default;
        var hasBg = background.HasValue;
        int status;
        fixed (byte* p = bgr)
            status = NativeMethods.cvs_put_text(p, bytes, width, height, text.Replace('\0', '?'), x, y, scale, color.B,
                color.G, color.R, thickness, hasBg ? bg.B : -1, hasBg ? bg.G : -1, hasBg ? bg.R : -1);
        NativeMethods.Check(status, "Drawing a label");
    }
}
