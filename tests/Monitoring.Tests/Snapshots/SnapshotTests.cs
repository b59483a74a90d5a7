using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Events;
using Monitoring.Regions;
using Monitoring.Snapshots;

namespace Monitoring.Tests.Snapshots;

public class SnapshotTests
{
    [Fact]
    public void Writer_attaches_annotated_and_clean_files_named_by_event_id()
    {
        using var dir = new TempDir();
        var options = new SnapshotOptions { Directory = dir.File("snaps") };
        var renderer = new FakeJpegRenderer();
        var writer = new SnapshotWriter(renderer, new SnapshotStore(options), options);
        var frame = SyntheticMaps.Frame(new float[4], 2, 2, 4, 2) with { Pixels = new FramePixels(new byte[4 * 2 * 3], 4, 2) };
        var message = Messages.Make(7);

        var withSnapshot = writer.Attach(message, frame);

        Assert.NotNull(withSnapshot.Snapshot);
        Assert.Equal(Path.Combine(options.Directory, "EVT000007.1.annotated.jpg"), withSnapshot.Snapshot.Annotated);
        Assert.Equal(Path.Combine(options.Directory, "EVT000007.1.clean.jpg"), withSnapshot.Snapshot.Clean);
        Assert.StartsWith("annotated 4x2 boxes=1", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(withSnapshot.Snapshot.Annotated!))[2..], StringComparison.Ordinal);
        Assert.Equal(new PixelBox(10, 20, 30, 40), Assert.Single(renderer.Requests[0].Boxes));
        Assert.False(renderer.Requests[1].Annotated);
        Assert.Null(writer.Attach(message with { Type = AlertLifecycle.End }, frame).Snapshot);
    }

    [Fact]
    public void Url_prefix_replaces_paths()
    {
        using var dir = new TempDir();
        var options = new SnapshotOptions { Directory = dir.Path, UrlPrefix = "https://nvr.example/snaps/", Clean = false };
        var writer = new SnapshotWriter(new FakeJpegRenderer(), new SnapshotStore(options), options);
        var frame = SyntheticMaps.Frame(new float[4], 2, 2, 2, 2) with { Pixels = new FramePixels(new byte[12], 2, 2) };
        var links = writer.Attach(Messages.Make(1), frame).Snapshot!;
        Assert.Equal("https://nvr.example/snaps/EVT000001.1.annotated.jpg", links.Annotated);
        Assert.Null(links.Clean);
    }

    [Fact]
    public void Retention_by_count_deletes_oldest_first()
    {
        using var dir = new TempDir();
        var store = new SnapshotStore(new SnapshotOptions { Directory = dir.Path, MaxFiles = 3 });
        for (int i = 0; i < 5; i++) store.Save($"E{i}", 1, "clean", new byte[10]);
        Assert.Equal(["E2.1.clean.jpg", "E3.1.clean.jpg", "E4.1.clean.jpg"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(3, store.FileCount);
        Assert.Equal(30, store.TotalBytes);
    }

    [Fact]
    public void Retention_by_bytes_deletes_oldest_first()
    {
        using var dir = new TempDir();
        var store = new SnapshotStore(new SnapshotOptions { Directory = dir.Path, MaxTotalBytes = 250 });
        for (int i = 0; i < 4; i++) store.Save($"E{i}", 1, "clean", new byte[100]);
        Assert.Equal(["E2.1.clean.jpg", "E3.1.clean.jpg"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(200, store.TotalBytes);
    }

    [Fact]
    public void Retention_counts_files_left_by_a_previous_run()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 4; i++)
        {
            var path = Path.Combine(dir.Path, $"OLD{i}.1.clean.jpg");
            File.WriteAllBytes(path, new byte[10]);
            File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, i, DateTimeKind.Utc));
        }
        var store = new SnapshotStore(new SnapshotOptions { Directory = dir.Path, MaxFiles = 3 });
        Assert.False(File.Exists(Path.Combine(dir.Path, "OLD0.1.clean.jpg")));
        store.Save("NEW", 1, "clean", new byte[10]);
        Assert.Equal(["NEW.1.clean.jpg", "OLD2.1.clean.jpg", "OLD3.1.clean.jpg"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Event_ids_that_are_not_file_names_are_refused()
    {
        using var dir = new TempDir();
        var store = new SnapshotStore(new SnapshotOptions { Directory = dir.Path });
        Assert.Throws<ArgumentException>(() => store.Save("../escape", 1, "clean", new byte[1]));
    }
}
