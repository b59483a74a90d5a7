using System.Buffers;
using Monitoring.Native.OpenCv;

namespace Monitoring.Snapshots;

/// <summary>Renders snapshots with our OpenCV binding: the frame, the anomaly heatmap blended in and the boxes drawn.</summary>
public sealed class OpenCvSnapshotRenderer(int quality = 85) : ISnapshotRenderer
{
    public byte[] RenderJpeg(SnapshotRequest request)
    {
        var f = request.Frame;
        var rowBytes = f.Width * 3;
        var src = f.Bgr24.Span;
        // A clean snapshot of tightly packed pixels is encoded straight from the frame: nothing is drawn on it.
        if (!request.Annotated && f.Stride == rowBytes) return ImageCodec.EncodeJpeg(src[..(rowBytes * f.Height)], f.Width, f.Height, quality);
        // Otherwise work on a copy (the frame's pixels are shared with the clean snapshot and must stay untouched),
        // rented: a 576p frame is 1.3 MB, a large-object-heap allocation per snapshot if it were new each time.
        var length = rowBytes * f.Height;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var pixels = rented.AsSpan(0, length);
            for (var y = 0; y < f.Height; y++)
                src.Slice(y * f.Stride, rowBytes).CopyTo(pixels.Slice(y * rowBytes, rowBytes));
            if (request.Annotated)
            {
                var cells = request.MapWidth * request.MapHeight;
                if (cells > 0)
                    Overlay.BlendHeatmap(pixels, f.Width, f.Height, request.AnomalyMap.Span[..cells], request.MapWidth, request.MapHeight, 0.6f);
                foreach (var b in request.Boxes)
                    Overlay.DrawRectangle(pixels, f.Width, f.Height, b.X, b.Y, b.Width, b.Height, BgrColor.Yellow, Math.Max(2, f.Width / 320));
            }
            return ImageCodec.EncodeJpeg(pixels, f.Width, f.Height, quality);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
