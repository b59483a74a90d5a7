using Monitoring.Native.OpenCv;

namespace Monitoring.Analysis;

/// <summary>
/// How far a camera's scene moves between two consecutive analysed frames, and the frame stride that brings it to the
/// motion the model was trained on (decision 0017). The model sees its current frame and T−1 past frames; with stride k
/// they are the frames k, 2k, … analysed frames back, so a camera whose scene moves k times slower per analysed frame
/// than the training footage (a higher frame rate, a farther or slower scene) shows the model the same displacements.
/// Measured on grey model-size frames <see cref="Lag"/> analysed frames apart (a slow scene then moves enough to be
/// told from sensor noise): the median dense optical flow displacement over the pixels that changed, divided by the
/// lag; the camera's motion is the median over the pairs in which something moved. Sensor noise and compression change
/// no pixel by <see cref="MinChange"/> (5×5 mean), so a still scene measures nothing rather than noise.
/// </summary>
public sealed class MotionScale
{
    /// <summary>Analysed frames between the two frames of a measured pair.</summary>
    public const int Lag = 4;
    /// <summary>A pixel changed when the 5×5 mean of its absolute difference exceeds this (0..1 of full scale; the speed channel's motion gate).</summary>
    public const double MinChange = 0.03;
    /// <summary>The quantile of the changed pixels' displacement a pair reports: their median.</summary>
    public const double Quantile = 0.5;
    /// <summary>A pair with fewer changed pixels than this (0.1 % of a 192×128 frame) shows nothing moving; it does not count.</summary>
    public const int MinMovingPixels = 24;
    /// <summary>Fewer moving pairs than this: too little motion to measure, stride 1.</summary>
    public const int MinMovingPairs = 20;
    /// <summary>The largest stride chosen: with T = 5 the model's window then spans 17 analysed frames.</summary>
    public const int MaxStride = 4;
    /// <summary>Pairs measured per source (a clip, a camera) before learning starts; a few seconds of footage.</summary>
    public const int PairsPerSource = 60;
    /// <summary>Pairs measured at most over all sources.</summary>
    public const int MaxPairs = 600;
    /// <summary>Analysed frames a source must give for <see cref="PairsPerSource"/> pairs.</summary>
    public const int FramesPerSource = PairsPerSource + Lag;

    private readonly List<float> _moving = [];
    private readonly int _width;
    private readonly int _height;
    private readonly byte[][] _ring = new byte[Lag][];
    private int _inRun;
    private int _previousRun = int.MinValue;

    public MotionScale(int width, int height)
    {
        _width = width;
        _height = height;
    }

    /// <summary>Pairs measured so far (moving or not).</summary>
    public int Pairs { get; private set; }
    public int MovingPairs => _moving.Count;

    /// <summary>
    /// Adds the next analysed grey frame (model size) of run <paramref name="run"/> (a clip, or a camera between
    /// reconnects): it is paired with the frame <see cref="Lag"/> analysed frames before it in the same run.
    /// </summary>
    public void Add(ReadOnlySpan<byte> grey, int run)
    {
        if (grey.Length != _width * _height)
            throw new ArgumentException($"frame has {grey.Length} pixels, the motion measure wants {_width}x{_height}", nameof(grey));
        if (run != _previousRun)
        {
            _inRun = 0;
            _previousRun = run;
        }
        var slot = _ring[_inRun % Lag] ??= new byte[grey.Length];
        if (_inRun >= Lag)
        {
            // slot still holds the frame Lag frames back
            var (displacement, pixels) = ImageOps.MotionMeasure(slot, grey, _width, _height, MinChange, Quantile);
            Pairs++;
            if (pixels >= MinMovingPixels) _moving.Add(displacement / Lag);
        }
        grey.CopyTo(slot);
        _inRun++;
    }
    /// <summary>The camera's motion per analysed frame (model pixels; median of the moving pairs), or null when too few pairs moved.</summary>
    public float? PixelsPerFrame
    {
        get
        {
            if (_moving.Count < MinMovingPairs) return null;
            var sorted = _moving.OrderBy(v => v).ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    /// <summary>
    /// The stride k in 1..<see cref="MaxStride"/> whose motion k·<paramref name="pixelsPerFrame"/> is nearest (in ratio)
    /// to <paramref name="reference"/>, the model's training motion: 1 for a scene as fast as the training footage or
    /// faster (a stride cannot slow motion down).
    /// </summary>
    public static int StrideFor(float pixelsPerFrame, float reference)
    {
        if (!(pixelsPerFrame > 0) || !(reference > 0)) return 1;
        var best = 1;
        var bestGap = double.PositiveInfinity;
        for (var k = 1; k <= MaxStride; k++)
        {
            var gap = Math.Abs(Math.Log(k * pixelsPerFrame / reference));
            if (gap < bestGap - 1e-9) { best = k; bestGap = gap; }
        }
        return best;
    }

    /// <summary>The stride for this camera (1 when too little moved to tell) and a line that says why.</summary>
    public (int Stride, string Description) Decide(float reference)
    {
        var v = PixelsPerFrame;
        if (v is null)
            return (1, $"motion: {MovingPairs} of {Pairs} frame pairs moved (fewer than {MinMovingPairs}); frame stride 1");
        var k = StrideFor(v.Value, reference);
        return (k, $"motion: {v.Value:0.000} px per analysed frame ({MovingPairs} of {Pairs} pairs moving), the model's {reference:0.000}; frame stride {k}");
    }
}
