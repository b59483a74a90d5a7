// Extraction logic is tested at threshold 0.5 (the synthetic maps are drawn for it); the product default is the threshold the camera's profile derived.
using Monitoring.Configuration;
using Monitoring.Regions;

namespace Monitoring.Tests.Regions;

public class RegionExtractorTests
{
    public sealed record Case(string Name, string[] Rows, int FrameWidth, int FrameHeight, RegionOptions Options, (PixelBox Box, int Cells, string? Zone)[] Expected)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new Case("single blob, 100 px cells", [
                "........",
                "..##....",
                "..##....",
                "........"], 800, 400, new RegionOptions { Threshold = 0.5f },
            [(new PixelBox(200, 100, 200, 200), 4, null)]),
        new Case("two separate blobs", [
                "##......",
                "##......",
                "......##",
                "......##"], 800, 400, new RegionOptions { Threshold = 0.5f },
            [(new PixelBox(0, 0, 200, 200), 4, null), (new PixelBox(600, 200, 200, 200), 4, null)]),
        new Case("blobs touching diagonally merge (8-connected)", [
                "##......",
                "##......",
                "..##....",
                "..##...."], 800, 400, new RegionOptions { Threshold = 0.5f },
            [(new PixelBox(0, 0, 400, 400), 8, null)]),
        new Case("below threshold is nothing", [
                "........",
                "..44....",
                "........"], 800, 300, new RegionOptions { Threshold = 0.5f },
            []),
        new Case("mask removes a blob", [
                "##......",
                "##......",
                "......##",
                "......##"], 800, 400, new RegionOptions { Threshold = 0.5f, Masks = [new MaskOptions { Points = SyntheticMaps.Rect(550, 150, 300, 300) }] },
            [(new PixelBox(0, 0, 200, 200), 4, null)]),
        new Case("zone threshold applies inside the zone only", [
                "44......",
                "44......",
                "......44",
                "......44"], 800, 400, new RegionOptions { Threshold = 0.5f, Zones = [new ZoneOptions { Name = "door", Threshold = 0.3f, Points = SyntheticMaps.Rect(0, 0, 250, 250) }] },
            [(new PixelBox(0, 0, 200, 200), 4, "door")]),
        new Case("zone named by the peak cell", [
                "5559....",
                "........"], 800, 200, new RegionOptions { Threshold = 0.5f, Zones = [new ZoneOptions { Name = "right", Points = SyntheticMaps.Rect(300, 0, 500, 200) }] },
            [(new PixelBox(0, 0, 400, 100), 4, "right")]),
        new Case("minimum area in cells", [
                "#.......",
                "......##",
                "......##"], 800, 300, new RegionOptions { Threshold = 0.5f, MinAreaCells = 2 },
            [(new PixelBox(600, 100, 200, 200), 4, null)]),
        new Case("minimum area in source pixels", [
                "#.......",
                "......##",
                "......##"], 800, 300, new RegionOptions { Threshold = 0.5f, MinAreaPixels = 20_000 },
            [(new PixelBox(600, 100, 200, 200), 4, null)]),
        new Case("non-integer scale clamps to the frame", [
                "......#",
                "......#",
                "......#"], 640, 480, new RegionOptions { Threshold = 0.5f },
            [(new PixelBox(548, 0, 92, 480), 3, null)]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Extracts_expected_regions(Case c)
    {
        int w = c.Rows[0].Length, h = c.Rows.Length;
        var extractor = new RegionExtractor(c.Options);
        var regions = extractor.Extract(SyntheticMaps.Frame(SyntheticMaps.FromRows(c.Rows), w, h, c.FrameWidth, c.FrameHeight));

        var actual = regions.Select(r => (r.Box, r.AreaCells, r.Zone)).OrderBy(r => r.Box.Y).ThenBy(r => r.Box.X).ToArray();
        var expected = c.Expected.OrderBy(r => r.Box.Y).ThenBy(r => r.Box.X).ToArray();
        Assert.Equal(expected, actual);
        foreach (var r in regions)
        {
            Assert.InRange(r.Box.X + r.Box.Width, 0, c.FrameWidth);
            Assert.InRange(r.Box.Y + r.Box.Height, 0, c.FrameHeight);
        }
    }

    [Fact]
    public void Peak_mean_and_pixel_area_are_computed()
    {
        var map = SyntheticMaps.FromRows(
            "....",
            ".69.",
            ".78.");
        var regions = new RegionExtractor(new RegionOptions { Threshold = 0.5f }).Extract(SyntheticMaps.Frame(map, 4, 3, 400, 300));
        var region = Assert.Single(regions);
        Assert.Equal(0.9f, region.Peak, 5);
        Assert.Equal(0.75f, region.Mean, 5);
        Assert.Equal(4, region.AreaCells);
        Assert.Equal(40_000, region.AreaPixels);
    }

    [Fact]
    public void Buffers_are_reused_across_frames_and_rebuilt_on_size_change()
    {
        var extractor = new RegionExtractor(new RegionOptions { Threshold = 0.5f });
        var small = SyntheticMaps.Frame(SyntheticMaps.Blobs(4, 4, (1, 1, 1, 1, 1f)), 4, 4, 40, 40);
        var large = SyntheticMaps.Frame(SyntheticMaps.Blobs(8, 8, (6, 6, 2, 2, 1f)), 8, 8, 80, 80);
        Assert.Equal(new PixelBox(10, 10, 10, 10), Assert.Single(extractor.Extract(small)).Box);
        Assert.Equal(new PixelBox(60, 60, 20, 20), Assert.Single(extractor.Extract(large)).Box);
        Assert.Equal(new PixelBox(10, 10, 10, 10), Assert.Single(extractor.Extract(small)).Box);
        Assert.Empty(extractor.Extract(SyntheticMaps.Frame(new float[16], 4, 4, 40, 40)));
    }

    [Fact]
    public void Invalid_options_name_their_path()
    {
        var options = new RegionOptions { Threshold = 1.5f, Zones = [new ZoneOptions { Name = "", Points = [] }] };
        var errors = new RegionOptionsValidator().Check(options, "alerts.regions");
        Assert.Contains(errors, e => e.StartsWith("alerts.regions.threshold", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts.regions.zones[0].name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("alerts.regions.zones[0].points", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_configured_threshold_the_profiles_threshold_cuts_and_a_configured_one_or_a_zones_overrides_it()
    {
        var map = SyntheticMaps.FromRows(
            "66......",
            "66......",
            "......88",
            "......88");
        FrameAnalysis Frame(float? profileThreshold) => SyntheticMaps.Frame(map, 8, 4, 800, 400) with { ProfileThreshold = profileThreshold };

        // The profile derived 0.7: only the 0.8 blob. A later profile (after auto-learning) with 0.5: both.
        var byProfile = new RegionExtractor(new RegionOptions());
        Assert.Single(byProfile.Extract(Frame(0.7f)));
        Assert.Equal(0.7f, byProfile.Threshold);
        Assert.Equal(2, byProfile.Extract(Frame(0.5f)).Count);
        // No profile threshold at all (a frame made outside the analyser): the product default 0.9 - nothing here.
        Assert.Empty(byProfile.Extract(Frame(null)));
        Assert.Equal(RegionOptions.DefaultThreshold, byProfile.Threshold);

        // A configured camera threshold wins over the profile's; a zone's threshold wins inside the zone.
        Assert.Empty(new RegionExtractor(new RegionOptions { Threshold = 0.85f }).Extract(Frame(0.5f)));
        var zoned = new RegionExtractor(new RegionOptions { Zones = [new ZoneOptions { Name = "door", Threshold = 0.55f, Points = SyntheticMaps.Rect(0, 0, 250, 250) }] });
        var regions = zoned.Extract(Frame(0.7f));
        Assert.Equal(2, regions.Count);
        Assert.Equal("door", regions[0].Zone);
        Assert.Null(regions[1].Zone);
    }

    // Frame-score alerts (decision 0020): a 8×4 map whose cells all stay below the map threshold 0.9, with the attention
    // concentrated on a 2×2 blob on the left ("the cells that carry the score") and a weaker 1-cell spot on the right.
    private static readonly float[] SoftMap = SyntheticMaps.FromRows(
        "77....5.",
        "77......",
        "........",
        "........");
    private static readonly float[] Attention = SyntheticMaps.FromRows(
        "88....3.",
        "88......",
        "........",
        "........");

    private static FrameAnalysis Scored(double tail, bool settled = true, double? profileTail = 1e-4, float[]? attention = null) =>
        SyntheticMaps.Frame(SoftMap, 8, 4, 800, 400) with
        {
            ProfileThreshold = 0.9f, FrameTailProbability = tail, FrameTailThreshold = profileTail,
            Attention = attention ?? Attention, ScoreSettled = settled,
        };

    [Fact]
    public void An_improbable_frame_score_alerts_on_the_cells_that_carry_it()
    {
        var extractor = new RegionExtractor(new RegionOptions());
        var region = Assert.Single(extractor.Extract(Scored(tail: 5e-5)));
        Assert.Equal(RegionTrigger.FrameScore, region.Trigger);
        Assert.Equal(new PixelBox(0, 0, 200, 200), region.Box); // the 2×2 blob; the spot holds under half its attention
        Assert.Equal(0.7f, region.Peak, 5);
        Assert.Equal(4, region.AreaCells);

        // At the threshold it alerts; above it, or while the score still holds the padded past, or without attention: nothing.
        Assert.Single(extractor.Extract(Scored(tail: 1e-4)));
        Assert.Empty(extractor.Extract(Scored(tail: 2e-4)));
        Assert.Empty(extractor.Extract(Scored(tail: 1e-6, settled: false)));
        Assert.Empty(extractor.Extract(Scored(tail: 1e-6) with { Attention = null }));
        // A profile without a held-out calibration names no frame tail threshold: off unless the config sets one.
        Assert.Empty(extractor.Extract(Scored(tail: 1e-6, profileTail: null)));
        Assert.Single(new RegionExtractor(new RegionOptions { FrameTailProbability = 1e-5 }).Extract(Scored(tail: 1e-6, profileTail: null)));
    }

    [Fact]
    public void The_config_overrides_or_turns_off_the_profiles_frame_tail_threshold()
    {
        Assert.Empty(new RegionExtractor(new RegionOptions { FrameTailProbability = 0 }).Extract(Scored(tail: 1e-9)));
        Assert.Empty(new RegionExtractor(new RegionOptions { FrameTailProbability = 1e-6 }).Extract(Scored(tail: 5e-5)));
        Assert.Single(new RegionExtractor(new RegionOptions { FrameTailProbability = 1e-3 }).Extract(Scored(tail: 5e-4)));

        var errors = new RegionOptionsValidator().Check(new RegionOptions { FrameTailProbability = 1.5 }, "alerts.cameras.door");
        Assert.Contains(errors, e => e.StartsWith("alerts.cameras.door.frameTailProbability is 1.5", StringComparison.Ordinal));
        Assert.Contains(new RegionOptionsValidator().Check(new RegionOptions { FrameTailProbability = -1 }, "alerts.regions"),
            e => e.StartsWith("alerts.regions.frameTailProbability", StringComparison.Ordinal));
    }

    [Fact]
    public void A_map_region_takes_precedence_and_the_frame_score_path_adds_nothing()
    {
        var map = (float[])SoftMap.Clone();
        map[6] = 0.95f; // the right spot (x 6, y 0) now reaches the map threshold
        var frame = Scored(tail: 1e-6) with { AnomalyMap = map };
        var region = Assert.Single(new RegionExtractor(new RegionOptions()).Extract(frame));
        Assert.Equal(RegionTrigger.Map, region.Trigger);
        Assert.Equal(new PixelBox(600, 0, 100, 100), region.Box);
    }

    [Fact]
    public void Masks_bound_frame_score_alerts()
    {
        // The blob masked: its cells cannot be a region, and they carry most of the score, so the frame does not alert.
        var blobMasked = new RegionOptions { Masks = [new MaskOptions { Points = SyntheticMaps.Rect(0, 0, 250, 250) }] };
        Assert.Empty(new RegionExtractor(blobMasked).Extract(Scored(tail: 1e-6)));

        // The spot as hot in attention as the blob (two regions unmasked); masked, it carries less than half of the score:
        // the alert stands, on the unmasked cells only.
        var attention = SyntheticMaps.FromRows(
            "88....8.",
            "88......",
            "........",
            "........");
        Assert.Equal(2, new RegionExtractor(new RegionOptions()).Extract(Scored(tail: 1e-6, attention: attention)).Count);
        var cornerMasked = new RegionOptions { Masks = [new MaskOptions { Points = SyntheticMaps.Rect(620, 0, 180, 120) }] };
        var regions = new RegionExtractor(cornerMasked).Extract(Scored(tail: 1e-6, attention: attention));
        Assert.Equal(new PixelBox(0, 0, 200, 200), Assert.Single(regions).Box);

        // Zones name frame-score regions as they name map regions.
        var zoned = new RegionOptions { Zones = [new ZoneOptions { Name = "lawn", Points = SyntheticMaps.Rect(0, 0, 300, 300) }] };
        Assert.Equal("lawn", Assert.Single(new RegionExtractor(zoned).Extract(Scored(tail: 1e-6))).Zone);
    }
}
