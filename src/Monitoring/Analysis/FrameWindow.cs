namespace Monitoring.Analysis;

/// <summary>
/// One camera's recent analysed frames, as the model wants them: T grey frames of H×W, scaled to [0, 1],
/// oldest first, the current frame last, <see cref="Stride"/> analysed frames apart (1: consecutive; the camera's
/// profile chooses it, <see cref="MotionScale"/>). Until the window has seen <see cref="Span"/> frames, the missing
/// past frames are copies of the first frame (models/README.md, "padding rule").
/// </summary>
public sealed class FrameWindow
{
    private readonly float[][] _ring;
    private int _count; // frames pushed so far (saturates at Span)
    private int _next;  // ring slot the next frame goes to

    public FrameWindow(int frames, int height, int width, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        T = frames;
        Stride = stride;
        Span = (frames - 1) * stride + 1;
        PixelsPerFrame = height * width;
        _ring = new float[Span][];
        for (var i = 0; i < Span; i++) _ring[i] = new float[PixelsPerFrame];
    }

    public int T { get; }
    /// <summary>Analysed frames between two frames of the window.</summary>
    public int Stride { get; }
    /// <summary>Analysed frames the window reaches over: (T − 1) · stride + 1.</summary>
    public int Span { get; }
    public int PixelsPerFrame { get; }
    public int Count => _count;
    /// <summary>False while the window's past is still padding (fewer than <see cref="Span"/> frames since it started).</summary>
    public bool IsFull => _count >= Span;
    /// <summary>Frames pushed since the window last started afresh (1 for the first frame of a run; never saturates).</summary>
    public long FramesSinceStart { get; private set; }

    private int _segment;

    /// <summary>
    /// Adds the newest frame of continuous run <paramref name="segment"/>. A new segment (a reconnect, a file
    /// loop) starts the window afresh: frames from before a gap are not the recent past of frames after it,
    /// and mixing them would read as sudden motion.
    /// </summary>
    public void Push(ReadOnlySpan<byte> grey, int segment)
    {
        if (segment != _segment)
        {
            Reset();
            _segment = segment;
        }
        Push(grey);
    }

    /// <summary>Adds the newest frame (grey bytes, H×W).</summary>
    public void Push(ReadOnlySpan<byte> grey)
    {
        if (grey.Length != PixelsPerFrame)
            throw new ArgumentException($"frame has {grey.Length} pixels, the model wants {PixelsPerFrame}", nameof(grey));
        var dst = _ring[_next];
        const float scale = 1f / 255f;
        for (var i = 0; i < dst.Length; i++) dst[i] = grey[i] * scale;
        if (_count == 0)
        {
            // The first frame also stands in for the missing past.
            for (var k = 1; k < Span; k++) dst.CopyTo(_ring[(_next + k) % Span], 0);
        }
        _next = (_next + 1) % Span;
        if (_count < Span) _count++;
        FramesSinceStart++;
    }

    /// <summary>Writes the window (T × H × W floats, oldest first) into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        if (_count == 0) throw new InvalidOperationException("the window holds no frame yet");
        if (destination.Length < T * PixelsPerFrame)
            throw new ArgumentException($"destination holds {destination.Length} floats, needs {T * PixelsPerFrame}", nameof(destination));
        // _next is the oldest slot of the ring; frame k of the window is k strides after it.
        for (var k = 0; k < T; k++)
            _ring[(_next + k * Stride) % Span].CopyTo(destination.Slice(k * PixelsPerFrame, PixelsPerFrame));
    }

    public void Reset()
    {
        _count = 0;
        _next = 0;
        FramesSinceStart = 0;
    }
}
