namespace Monitoring.Analysis;

/// <summary>
/// One camera's recent analysed frames, as the model wants them: T grey frames of H×W, scaled to [0, 1],
/// oldest first, the current frame last. Until T frames have been seen, the missing past frames are
/// copies of the first frame (models/README.md, "padding rule").
/// </summary>
public sealed class FrameWindow
{
    private readonly float[][] _ring;
    private int _count; // frames pushed so far (saturates at T)
    private int _next;  // ring slot the next frame goes to

    public FrameWindow(int frames, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        T = frames;
        PixelsPerFrame = height * width;
        _ring = new float[frames][];
        for (var i = 0; i < frames; i++) _ring[i] = new float[PixelsPerFrame];
    }

    public int T { get; }
    public int PixelsPerFrame { get; }
    public int Count => _count;
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
            for (var k = 1; k < T; k++) dst.CopyTo(_ring[(_next + k) % T], 0);
        }
        _next = (_next + 1) % T;
        if (_count < T) _count++;
        FramesSinceStart++;
    }

    /// <summary>Writes the window (T × H × W floats, oldest first) into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        if (_count == 0) throw new InvalidOperationException("the window holds no frame yet");
        if (destination.Length < T * PixelsPerFrame)
            throw new ArgumentException($"destination holds {destination.Length} floats, needs {T * PixelsPerFrame}", nameof(destination));
        for (var k = 0; k < T; k++)
            _ring[(_next + k) % T].CopyTo(destination.Slice(k * PixelsPerFrame, PixelsPerFrame));
    }

    public void Reset()
    {
        _count = 0;
        _next = 0;
        FramesSinceStart = 0;
    }
}
