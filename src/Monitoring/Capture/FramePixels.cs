namespace Monitoring.Capture;

/// <summary>
/// A frame's pixels as BGR24 (3 bytes per pixel, rows of <see cref="Stride"/> bytes). The pipeline owns the buffer
/// (it may be pooled): a snapshot renderer reads it only during its call and keeps no reference.
/// </summary>
public sealed record FramePixels(ReadOnlyMemory<byte> Bgr24, int Width, int Height, int Stride)
{
    public FramePixels(ReadOnlyMemory<byte> bgr24, int width, int height) : this(bgr24, width, height, width * 3) { }
}
