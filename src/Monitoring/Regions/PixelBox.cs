using System.Text.Json.Serialization;

namespace Monitoring.Regions;

/// <summary>An axis-aligned box in source-frame pixels; <see cref="X"/>/<see cref="Y"/> is the top-left corner.</summary>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    [JsonIgnore]
    public long Area => (long)Width * Height;

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public double IoU(PixelBox other)
    {
        int left = Math.Max(X, other.X), top = Math.Max(Y, other.Y);
        int right = Math.Min(X + Width, other.X + other.Width), bottom = Math.Min(Y + Height, other.Y + other.Height);
        if (right <= left || bottom <= top) return 0;
        double intersection = (double)(right - left) * (bottom - top);
        double union = Area + other.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
