using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Native.OpenCv;

/// <summary>Image sequences (<c>dir/%03d.jpg</c>): one we write ourselves, and UCSD Ped2 when it is present.</summary>
public sealed class ImageSequenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-seq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const int W = 160, H = 120, Square = 16, Step = 8, Count = 12;

    /// <summary>Writes <see cref="Count"/> JPEGs of a white square moving right on grey, from index <paramref name="first"/>.</summary>
    private void WriteMovingSquare(int first = 0)
    {
        for (var i = 0; i < Count; i++)
        {
            var img = Pixels.Solid(W, H, new BgrColor(128, 128, 128));
            Overlay.DrawRectangle(img, W, H, 10 + i * Step, 50, Square, Square, BgrColor.White, thickness: -1);
            File.WriteAllBytes(Path.Combine(_dir, $"{first + i:000}.jpg"), ImageCodec.EncodeJpeg(img, W, H, 95));
        }
    }

    [Fact]
    public void Reads_back_a_sequence_we_wrote_and_the_square_moves()
    {
        WriteMovingSquare();
        using var cap = VideoCapture.Open(Path.Combine(_dir, "%03d.jpg"));
        Assert.Equal(W, cap.Width);
        Assert.Equal(H, cap.Height);
        Assert.Equal(Count, cap.FrameCount);
        Assert.Equal("CV_IMAGES", cap.Backend);

        var gray = new byte[W * H];
        var centroids = new List<(double X, double Y)>();
        while (cap.Read(gray, W, H, PixelFormat.Gray8) == FrameStatus.Ok)
            centroids.Add(Pixels.BrightCentroid(gray, W) ?? throw new Xunit.Sdk.XunitException("no square found"));

        Assert.Equal(Count, centroids.Count);
        Assert.Equal(10 + (Square - 1) / 2.0, centroids[0].X, 0.5);
        Assert.Equal((Count - 1) * Step, centroids[^1].X - centroids[0].X, 0.5);
        Assert.Equal(centroids[0].Y, centroids[^1].Y, 0.5);
    }

    [Fact]
    public void A_sequence_may_start_at_one()
    {
        WriteMovingSquare(first: 1);
        using var cap = VideoCapture.Open(Path.Combine(_dir, "%03d.jpg"));
        var n = 0;
        var gray = new byte[W * H];
        while (cap.Read(gray, W, H, PixelFormat.Gray8) == FrameStatus.Ok) n++;
        Assert.Equal(Count, n);
    }

    [Fact]
    public void A_sequence_without_its_first_image_names_what_was_looked_for()
    {
        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open(Path.Combine(_dir, "%03d.jpg")));
        Assert.Equal(OpenCvStatus.NotFound, e.Status);
        Assert.Contains(Path.Combine(_dir, "000.jpg"), e.Message);
    }

    [Fact]
    public void A_missing_sequence_folder_is_named()
    {
        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open("/nonexistent/frames/%03d.jpg"));
        Assert.Equal(OpenCvStatus.NotFound, e.Status);
        Assert.Contains("/nonexistent/frames", e.Message);
    }

    [Theory]
    [InlineData("%s.jpg")]
    [InlineData("%03d_%03d.jpg")]
    [InlineData("%n.jpg")]
    public void A_pattern_that_is_not_one_integer_placeholder_is_refused(string pattern)
    {
        WriteMovingSquare();
        var e = Assert.Throws<CaptureException>(() => VideoCapture.Open(Path.Combine(_dir, pattern)));
        Assert.Equal(OpenCvStatus.InvalidArgument, e.Status);
        Assert.Contains("%03d", e.Message);
    }

    [RequiresSharedDataFact("ped2/testing/01")]
    public void Reads_ped2_test_clip_01()
    {
        using var cap = VideoCapture.Open(Path.Combine(TestPaths.Ped2, "testing", "01", "%03d.jpg"));
        Assert.Equal(360, cap.Width);
        Assert.Equal(240, cap.Height);
        Assert.Equal(180, cap.FrameCount);
        var gray = new byte[360 * 240];
        var n = 0;
        double meanFirst = 0;
        while (cap.Read(gray, 360, 240, PixelFormat.Gray8) == FrameStatus.Ok)
        {
            if (n == 0) meanFirst = Pixels.Mean(gray);
            n++;
        }
        Assert.Equal(180, n);
        Assert.InRange(meanFirst, 30, 230);
    }
}
