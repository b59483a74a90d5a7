using System.Buffers;
using Monitoring.Analysis;
using Monitoring.Native.OpenCv;
using Monitoring.Regions;

namespace Monitoring.Web;

/// <summary>
/// A copy of one analysed frame taken for viewers: BGR pixels (the snapshot copy, or the model's grey frame when the
/// pipeline keeps no BGR copy), the anomaly map and the region boxes. Pooled buffers, returned on dispose.
/// </summary>
public sealed class LiveFrame : IDisposable
{
    private byte[]? _pixels;
    private float[]? _map;

    private LiveFrame(byte[] pixels, int width, int height, float[] map, int cellsW, int cellsH, IReadOnlyList<PixelBox> boxes)
    {
        _pixels = pixels;
        _map = map;
        Width = width;
        Height = height;
        CellsW = cellsW;
        CellsH = cellsH;
        Boxes = boxes;
    }

    public int Width { get; }
    public int Height { get; }
    public int CellsW { get; }
    public int CellsH { get; }
    /// <summary>The region boxes in this image's pixels.</summary>
    public IReadOnlyList<PixelBox> Boxes { get; }
    public ReadOnlySpan<byte> Pixels => (_pixels ?? throw new ObjectDisposedException(nameof(LiveFrame))).AsSpan(0, Width * Height * 3);
    public ReadOnlySpan<float> Map => (_map ?? throw new ObjectDisposedException(nameof(LiveFrame))).AsSpan(0, CellsW * CellsH);

    public static LiveFrame Copy(ScoredFrame scored, IReadOnlyList<Region> regions)
    {
        var f = scored.Frame;
        int w, h;
        byte[] pixels;
        if (f.HasBgr)
        {
            (w, h) = (f.BgrWidth, f.BgrHeight);
            pixels = ArrayPool<byte>.Shared.Rent(w * h * 3);
            f.Bgr.CopyTo(pixels);
        }
        else
        {
            (w, h) = (f.GreyWidth, f.GreyHeight);
            pixels = ArrayPool<byte>.Shared.Rent(w * h * 3);
            var grey = f.Grey;
            for (var i = 0; i < grey.Length; i++) pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = grey[i];
        }
        var cells = scored.CellsW * scored.CellsH;
        var map = ArrayPool<float>.Shared.Rent(cells);
        scored.AnomalyMap[..cells].CopyTo(map);
        double sx = (double)w / Math.Max(1, f.SourceWidth), sy = (double)h / Math.Max(1, f.SourceHeight);
        var boxes = regions.Select(r => new PixelBox((int)(r.Box.X * sx), (int)(r.Box.Y * sy),
            Math.Max(1, (int)Math.Round(r.Box.Width * sx)), Math.Max(1, (int)Math.Round(r.Box.Height * sy)))).ToArray();
        return new LiveFrame(pixels, w, h, map, scored.CellsW, scored.CellsH, boxes);
    }

    /// <summary>The frame as JPEG with <paramref name="overlay"/> blended in and the boxes drawn (yellow, as the snapshots).</summary>
    public byte[] RenderJpeg(FrameOverlay overlay, ModelHead? head, int quality = 80)
    {
        var length = Width * Height * 3;
        var work = ArrayPool<byte>.Shared.Rent(length);
        var heat = ArrayPool<float>.Shared.Rent(CellsW * CellsH);
        try
        {
            var image = work.AsSpan(0, length);
            Pixels.CopyTo(image);
            var cells = CellsW * CellsH;
            if (overlay == FrameOverlay.Attention && head is not null)
            {
                AttentionMap.FromAnomalyMap(head, Map, heat);
                Overlay.BlendHeatmap(image, Width, Height, heat.AsSpan(0, cells), CellsW, CellsH, 0.6f);
            }
            else if (overlay != FrameOverlay.None)
            {
                Overlay.BlendHeatmap(image, Width, Height, Map, CellsW, CellsH, 0.6f);
            }
            foreach (var b in Boxes)
                Overlay.DrawRectangle(image, Width, Height, b.X, b.Y, b.Width, b.Height, BgrColor.Yellow, Math.Max(1, Width / 320));
            return ImageCodec.EncodeJpeg(image, Width, Height, quality);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(heat);
            ArrayPool<byte>.Shared.Return(work);
        }
    }

    public void Dispose()
    {
        var p = Interlocked.Exchange(ref _pixels, null);
        if (p is not null) ArrayPool<byte>.Shared.Return(p);
        var m = Interlocked.Exchange(ref _map, null);
        if (m is not null) ArrayPool<float>.Shared.Return(m);
    }
}
