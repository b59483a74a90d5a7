using System.Text;
using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>
/// Appends each message as one JSON line to a file and flushes it to disk before returning. When the next line
/// would take the file past <c>maxBytes</c>, the file is rotated first (<c>alerts.jsonl</c> → <c>alerts.jsonl.1</c> →
/// … → <c>alerts.jsonl.{keepFiles}</c>, the oldest deleted), so a daemon that runs for months keeps a bounded amount
/// of disk. A line is never split across files; <c>maxBytes</c> 0 turns rotation off.
/// </summary>
public sealed class JsonLinesFileSink : IAlertSink, IAsyncDisposable
{
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _keepFiles;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileStream _stream;

    public JsonLinesFileSink(string path, long maxBytes = 0, int keepFiles = 5)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(keepFiles);
        _path = System.IO.Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _keepFiles = keepFiles;
        var directory = System.IO.Path.GetDirectoryName(_path);
        if (directory is not null) Directory.CreateDirectory(directory);
        _stream = Open();
    }

    /// <summary>The file written (full path).</summary>
    public string Path => _path;

    /// <summary>The rotated file with index <paramref name="index"/> (1 = the most recent).</summary>
    public static string RotatedPath(string path, int index) => $"{path}.{index}";

    public async ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(AlertJson.Serialize(message) + "\n");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_maxBytes > 0 && _stream.Length > 0 && _stream.Length + line.Length > _maxBytes)
                await RotateAsync().ConfigureAwait(false);
            await _stream.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private FileStream Open() => new(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, useAsync: true);

    private async Task RotateAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (_keepFiles == 0)
            {
                File.Delete(_path);
                return;
            }
            File.Delete(RotatedPath(_path, _keepFiles));
            for (var i = _keepFiles - 1; i >= 1; i--)
            {
                var from = RotatedPath(_path, i);
                if (File.Exists(from)) File.Move(from, RotatedPath(_path, i + 1));
            }
            File.Move(_path, RotatedPath(_path, 1));
        }
        finally
        {
            // Even if a rename failed (a file locked, a full disk), keep a stream open: the line is still written,
            // to the unrotated file, and later lines are not lost to a disposed stream.
            _stream = Open();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
