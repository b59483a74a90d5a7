using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

public sealed class OverlayTests
{
    private const int W = 200, H = 160;
    private static readonly BgrColor Grey = new(128, 128, 128);

    /// <summary>A 4×4 grid, hot (1.0) in the top-left cell only.</summary>
    private static float[] HotTopLeft()
    {
        var heat = new float[16];
        heat[0] = 1f;
        return heat;
    }

    [Fact]
    public void Heatmap_tints_hot_cells_and_leaves_cold_cells_untouched()
    {
        var img = Pixels.Solid(W, H, Grey);
        Overlay.BlendHeatmap(img, W, H, HotTopLeft(), 4, 4, alpha: 0.6f);

        // Centre of the hot cell (cells are 50×40 pixels): JET at 1.0 is dark red (B,G,R = 0,0,128),
        // blended at 0.6: blue and green fall to about 51, red stays.
        var hot = Pixels.At(img, W, 20, 15);
        Assert.True(hot.B < 60 && hot.G < 60 && hot.R > 120, $"hot pixel {hot}");
        // Far from the hot cell nothing changes, not even by one level.
        for (var y = H / 2; y < H; y++)
        for (var x = W / 2; x < W; x++)
            Assert.Equal((Grey.B, Grey.G, Grey.R), Pixels.At(img, W, x, y));
    }

    [Fact]
    public void Constant_alpha_tints_cold_cells_blue()
    {
        var img = Pixels.Solid(W, H, Grey);
        Overlay.BlendHeatmap(img, W, H, HotTopLeft(), 4, 4, alpha: 0.5f, alphaByValue: false);
        var cold = Pixels.At(img, W, 180, 150);
        Assert.True(cold.B > cold.R + 30, $"cold pixel {cold}"); // JET at 0 is dark blue
        var hot = Pixels.At(img, W, 20, 15);
        Assert.True(hot.R > hot.B + 30, $"hot pixel {hot}");
    }

    [Fact]
    public void Alpha_zero_changes_nothing_and_values_are_clamped()
    {
        var img = Pixels.Solid(W, H, Grey);
        var heat = new[] { float.NaN, -3f, 7f, 0.5f };
        Overlay.BlendHeatmap(img, W, H, heat, 2, 2, alpha: 0f, alphaByValue: false);
        Assert.All(img, b => Assert.Equal(128, b));
        Overlay.BlendHeatmap(img, W, H, heat, 2, 2, alpha: 1f);
        Assert.Equal((Grey.B, Grey.G, Grey.R), Pixels.At(img, W, 10, 10)); // NaN counts as 0
        Assert.Equal((Grey.B, Grey.G, Grey.R), Pixels.At(img, W, 190, 10)); // -3 clamps to 0
    }

    [Fact]
    public void Heatmap_arguments_are_checked()
    {
        var img = Pixels.Solid(W, H, Grey);
        var e = Assert.Throws<ArgumentException>(() => Overlay.BlendHeatmap(img, W, H, new float[15], 4, 4));
        Assert.Contains("16", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Overlay.BlendHeatmap(img, W, H, new float[16], 4, 4, alpha: 1.5f));
    }

    [Fact]
    public void Rectangle_outline_lands_on_the_right_pixels()
    {
        var img = Pixels.Solid(100, 80, BgrColor.Black);
        Overlay.DrawRectangle(img, 100, 80, x: 10, y: 20, rectWidth: 30, rectHeight: 15, BgrColor.Red, thickness: 1);
        var red = (B: (byte)0, G: (byte)0, R: (byte)255);
        var black = (B: (byte)0, G: (byte)0, R: (byte)0);
        foreach (var (x, y) in new[] { (10, 20), (39, 20), (10, 34), (39, 34), (25, 20), (25, 34), (10, 27), (39, 27) })
            Assert.Equal(red, Pixels.At(img, 100, x, y));
        foreach (var (x, y) in new[] { (25, 27), (9, 20), (40, 20), (10, 19), (10, 35), (11, 21) })
            Assert.Equal(black, Pixels.At(img, 100, x, y));
        var drawn = 0;
        for (var i = 0; i < img.Length; i += 3) if (img[i + 2] == 255) drawn++;
        Assert.Equal(2 * 30 + 2 * 13, drawn);
    }

    [Fact]
    public void Filled_and_clipped_rectangles()
    {
        var img = Pixels.Solid(100, 80, BgrColor.Black);
        Overlay.DrawRectangle(img, 100, 80, 90, 70, 50, 50, BgrColor.Green, thickness: -1);
        var green = 0;
        for (var i = 0; i < img.Length; i += 3) if (img[i + 1] == 255) green++;
        Assert.Equal(10 * 10, green);
    }

    [Fact]
    public void Text_label_draws_inside_its_box_only()
    {
        var img = Pixels.Solid(200, 100, BgrColor.Black);
        Overlay.PutText(img, 200, 100, "cam-1 0.93", 5, 5, BgrColor.White, scale: 0.5, background: new BgrColor(40, 40, 40));
        var lit = 0;
        for (var y = 0; y < 100; y++)
        for (var x = 0; x < 200; x++)
        {
            var p = Pixels.At(img, 200, x, y);
            if (p.R == 0) continue;
            Assert.True(x >= 5 && y >= 5 && x < 5 + 120 && y < 5 + 30, $"label pixel at ({x},{y})");
            if (p.R > 150) lit++;
        }
        Assert.True(lit > 30, $"only {lit} bright text pixels");
        Assert.Equal(40, Pixels.At(img, 200, 5, 5).R); // the background box starts at (x, y)
    }

    [Fact]
    public void Non_ascii_text_is_drawn_with_placeholders_not_refused()
    {
        var img = Pixels.Solid(120, 40, BgrColor.Black);
        Overlay.PutText(img, 120, 40, "Kamera ü", 2, 2, BgrColor.White);
        Assert.Contains(img, b => b != 0);
    }
}
