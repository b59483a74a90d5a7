using ScottPlot;
using SkiaSharp;

namespace Monitoring.Evaluation;

/// <summary>What eval's and the soak's ScottPlot plots share: the font and the colours.</summary>
public static class Plots
{
    public const string SansFont = "DejaVu Sans";

    public static readonly Color Blue = new(31, 119, 180);
    public static readonly Color Orange = new(255, 127, 14);
    /// <summary>Labelled abnormal frames: light red over white.</summary>
    public static readonly Color AbnormalShade = new(214, 39, 40, 56);
    /// <summary>The soak's warm-up: light green over white (grey would read as the grid).</summary>
    public static readonly Color WarmupShade = new(44, 160, 44, 40);

    static Plots()
    {
        // ScottPlot asks Skia for an installed sans font; SkiaSharp's no-dependency Linux build (it scans
        // /usr/share/fonts, no fontconfig) answers DejaVu Serif for it. Take DejaVu Sans (Debian's fonts-dejavu-core,
        // installed by build.sh) where it is there.
        using var sans = SKTypeface.FromFamilyName(SansFont);
        if (sans?.FamilyName == SansFont) Fonts.Default = SansFont;
    }

    /// <summary>A new plot in the shared style.</summary>
    public static Plot Create() => new();
}
