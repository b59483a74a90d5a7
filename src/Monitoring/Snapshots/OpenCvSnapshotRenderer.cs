using Monitoring.Native.OpenCv;

namespace Monitoring.Snapshots;

/// <summary>Renders snapshots with our OpenCV binding: the frame, the anomaly heatmap blended in and the boxes drawn.</summary>
public sealed class OpenCvSnapshotRenderer(int quality = 85) : ISnapshotRenderer
{
    public byte[] RenderJpeg(SnapshotRequest request)
    {
        var f = request.Frame;
        // Work on a copy: the frame's pixels are shared with the clean snapshot and must stay untouched.
        var pixels = new byte[f.Width * f.Height * 3];
        var src = f.Bgr24.Span;
        for (var y = 0; y < f.Height; y++)
            src.Slice(y * f.Stride, f.Width * 3).CopyTo(pixels.AsSpan(y * f.Width * 3, f.Width * 3));
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
}
