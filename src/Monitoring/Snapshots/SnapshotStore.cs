using Monitoring.Configuration;

namespace Monitoring.Snapshots;

/// <summary>
/// Snapshot files under one folder, named "{eventId}.{sequence}.{kind}.jpg". Retention: after each write, the oldest
/// files (by write time, then name) are deleted until at most <see cref="SnapshotOptions.MaxFiles"/> files and
/// <see cref="SnapshotOptions.MaxTotalBytes"/> bytes remain. The index of files is read from the folder once at
/// start and kept in memory after that. Files are written to a temporary name and renamed, so a reader never sees a
/// half-written JPEG. Thread-safe.
/// </summary>
public sealed class SnapshotStore
{
    private readonly SnapshotOptions _options;
    private readonly Lock _gate = new();
    private readonly LinkedList<(string Path, long Bytes)> _files = new();
    private long _totalBytes;

    public SnapshotStore(SnapshotOptions options) : this(options, options.Directory)
    {
    }

    /// <param name="options">Retention.</param>
    /// <param name="directory">The folder, resolved by the caller (relative paths: against the current directory).</param>
    public SnapshotStore(SnapshotOptions options, string directory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        DirectoryPath = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(DirectoryPath);
        var existing = new DirectoryInfo(DirectoryPath).EnumerateFiles("*.jpg")
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal);
        foreach (var f in existing)
        {
            _files.AddLast((f.FullName, f.Length));
            _totalBytes += f.Length;
        }
        lock (_gate) Trim();
    }

    public string DirectoryPath { get; }
    public int FileCount { get { lock (_gate) return _files.Count; } }
    public long TotalBytes { get { lock (_gate) return _totalBytes; } }

    /// <summary>Writes one snapshot and applies retention; returns the file's full path.</summary>
    public string Save(string eventId, int sequence, string kind, ReadOnlySpan<byte> jpeg)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        if (eventId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || eventId.Contains(".."))
            throw new ArgumentException($"Event id '{eventId}' cannot be a file name.", nameof(eventId));
        string path = Path.Combine(DirectoryPath, $"{eventId}.{sequence}.{kind}.jpg");
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(jpeg);
        }
        File.Move(temp, path, overwrite: true);
        lock (_gate)
        {
            for (var node = _files.First; node is not null; node = node.Next)
            {
                if (node.Value.Path != path) continue;
                _totalBytes -= node.Value.Bytes;
                _files.Remove(node);
                break;
            }
            _files.AddLast((path, jpeg.Length));
            _totalBytes += jpeg.Length;
            Trim();
        }
        return path;
    }

    private void Trim()
    {
        while (_files.First is { } oldest && (_files.Count > _options.MaxFiles || _totalBytes > _options.MaxTotalBytes))
        {
            try { File.Delete(oldest.Value.Path); }
            catch (IOException) { /* still counted as gone: retention must not stall on one stuck file */ }
            catch (UnauthorizedAccessException) { }
            _totalBytes -= oldest.Value.Bytes;
            _files.RemoveFirst();
        }
    }
}
