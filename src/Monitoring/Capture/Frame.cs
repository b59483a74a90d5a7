using System.Buffers;

namespace Monitoring.Capture;

/// <summary>
/// One captured frame on its way through the pipeline: the model-size grey pixels it is analysed on
/// and the BGR pixels snapshots are drawn from. Buffers are rented from <see cref="ArrayPool{T}"/>;
/// the last stage that holds the frame calls <see cref="Dispose"/> to return them.
/// </summary>
public sealed class Frame : IDisposable
{
    private byte[]? _grey;
    private byte[]? _bgr;

    public Frame(string cameraId, long index, DateTimeOffset timestamp, int greyWidth, int greyHeight, int bgrWidth, int bgrHeight, int sourceWidth, int sourceHeight)
    {
        CameraId = cameraId;
        Index = index;
        Timestamp = timestamp;
        GreyWidth = greyWidth; GreyHeight = greyHeight;
        BgrWidth = bgrWidth; BgrHeight = bgrHeight;
        SourceWidth = sourceWidth; SourceHeight = sourceHeight;
        _grey = ArrayPool<byte>.Shared.Rent(greyWidth * greyHeight);
        _bgr = bgrWidth > 0 ? ArrayPool<byte>.Shared.Rent(bgrWidth * bgrHeight * 3) : null;
        EnqueuedTicks = Environment.TickCount64;
    }

    public string CameraId { get; }
    /// <summary>Which continuous run of the source the frame belongs to: it changes at every (re)connection and file loop.</summary>
    public int Segment { get; init; }
    /// <summary>Frame number within the source (decoded frames, from 0).</summary>
    public long Index { get; }
    /// <summary>Capture time (wall clock for live sources, media time for files).</summary>
    public DateTimeOffset Timestamp { get; }
    /// <summary>Environment.TickCount64 when the frame was captured: for frame age and latency.</summary>
    public long EnqueuedTicks { get; set; }
    public int GreyWidth { get; }
    public int GreyHeight { get; }
    public int BgrWidth { get; }
    public int BgrHeight { get; }
    public int SourceWidth { get; }
    public int SourceHeight { get; }

    public Span<byte> Grey => (_grey ?? throw new ObjectDisposedException(nameof(Frame))).AsSpan(0, GreyWidth * GreyHeight);
    public Span<byte> Bgr => _bgr is null ? Span<byte>.Empty : _bgr.AsSpan(0, BgrWidth * BgrHeight * 3);
    public bool HasBgr => _bgr is not null;
    /// <summary>The BGR pixels as memory (for snapshot rendering); valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> BgrMemory => _bgr is null ? ReadOnlyMemory<byte>.Empty : _bgr.AsMemory(0, BgrWidth * BgrHeight * 3);

    public void Dispose()
    {
        var g = Interlocked.Exchange(ref _grey, null);
        if (g is not null) ArrayPool<byte>.Shared.Return(g);
        var b = Interlocked.Exchange(ref _bgr, null);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
