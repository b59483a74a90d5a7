using System.Text;
using Monitoring.Events;

namespace Monitoring.Delivery;

/// <summary>Appends each message as one JSON line to a file and flushes it to disk before returning.</summary>
public sealed class JsonLinesFileSink : IAlertSink, IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JsonLinesFileSink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, useAsync: true);
    }

    public async ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(AlertJson.Serialize(message) + "\n");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
