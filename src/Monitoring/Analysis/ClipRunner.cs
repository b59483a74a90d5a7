using Monitoring.Capture;
using Monitoring.Native.OpenCv;

namespace Monitoring.Analysis;

/// <summary>
/// Runs recorded clips (video files or image sequences) through the model the way the daemon runs
/// cameras: each clip has its own <see cref="FrameWindow"/>, frames are sampled at the analysis rate and
/// scored causally, and the frames of all clips are batched together into one inference call.
/// Used by <c>learn</c> and <c>eval</c>. <see cref="Stride"/>: the frame stride of the model's window (a profile's, when one
/// is given to <see cref="Run"/>).
/// </summary>
public sealed class ClipRunner(AnomalyModel model, int maxBatchSize, double analysisFps = 0, double sourceFps = 0)
{
    /// <summary>The frame stride used when <see cref="Run"/> gets no profile (learning).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>
    /// The frame stride to learn <paramref name="uris"/> at: <paramref name="requested"/> when it is set (1..<see cref="MotionScale.MaxStride"/>),
    /// else the one the footage's motion calls for (<see cref="MeasureMotion"/>); with the line that says which and why.
    /// </summary>
    public (int Stride, string Motion) ChooseStride(IReadOnlyList<string> uris, int requested = 0, CancellationToken cancellation = default)
    {
        if (requested > 0) return (requested, $"motion: not measured; frame stride {requested} as requested");
        return MeasureMotion(uris, cancellation).Decide(model.MotionReference);
    }

    /// <summary>
    /// Measures the motion of the clips' first analysed frames (<see cref="MotionScale.PairsPerSource"/> pairs per clip, at
    /// most <see cref="MotionScale.MaxPairs"/> in all), sampled as <see cref="Run"/> samples them; a live source is read
    /// for those frames only.
    /// </summary>
    public MotionScale MeasureMotion(IReadOnlyList<string> uris, CancellationToken cancellation = default)
    {
        var motion = new MotionScale(model.W, model.H);
        for (var c = 0; c < uris.Count && motion.Pairs < MotionScale.MaxPairs; c++)
        {
            using var clip = new ClipState(uris[c], model, analysisFps, sourceFps, 1);
            var start = motion.Pairs;
            while (motion.Pairs - start < MotionScale.PairsPerSource && motion.Pairs < MotionScale.MaxPairs)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!clip.TryRead(out _)) break;
                motion.Add(clip.Grey, c);
            }
        }
        return motion;
    }

    /// <summary>
    /// Called once per analysed frame, in each clip's frame order, with the batch holding its results and the
    /// frame score (the model's score averaged by the clip's <see cref="ScoreSmoother"/>, as the daemon does per camera).
    /// </summary>
    public delegate void FrameCallback(int clip, long frameIndex, AnalysisBatch batch, int slot, float frameScore);

    /// <summary>
    /// The frames <see cref="Run"/> will analyse, from each clip's frame count and the same sampling rule (0 for a
    /// live source, whose length is not known).
    /// </summary>
    public long ExpectedFrames(IReadOnlyList<string> uris)
    {
        long total = 0;
        foreach (var uri in uris)
        {
            using var probe = VideoCapture.Open(uri);
            if (probe.FrameCount <= 0) continue;
            var fps = FpsOf(probe, sourceFps);
            total += analysisFps > 0 && fps > 0 ? (long)(probe.FrameCount * Math.Min(1, analysisFps / fps)) : probe.FrameCount;
        }
        return total;
    }

    /// <summary>The clip's frame rate: the configured one, else the container's when plausible, else 0 (unknown).</summary>
    private static double FpsOf(VideoCapture capture, double sourceFps) =>
        sourceFps > 0 ? sourceFps : capture.Fps is > 0 and < 1000 ? capture.Fps : 0;

    public long Run(IReadOnlyList<string> uris, NormalityProfile? profile, FrameCallback onFrame,
        Action<long>? progress = null, CancellationToken cancellation = default)
    {
        var stride = profile?.FrameStride ?? Stride;
        return RunClips(uris.Count, i => new ClipState(uris[i], model, analysisFps, sourceFps, stride), profile, onFrame, progress, cancellation);
    }

    /// <summary>
    /// <see cref="Run"/> over frames already read (<see cref="Collect"/>): each run is a clip of consecutive analysed frames,
    /// grey at the model's size; the frame index a callback gets is the frame's position in its run.
    /// </summary>
    public long RunFrames(IReadOnlyList<IReadOnlyList<byte[]>> runs, NormalityProfile? profile, FrameCallback onFrame,
        Action<long>? progress = null, CancellationToken cancellation = default)
    {
        var stride = profile?.FrameStride ?? Stride;
        return RunClips(runs.Count, i => new MemoryClip(runs[i], model, stride), profile, onFrame, progress, cancellation);
    }

    /// <summary>
    /// Reads the analysed frames of <paramref name="uris"/> (sampled as <see cref="Run"/> samples them; grey, the model's
    /// size), one run per source, at most <paramref name="maxFrames"/> in all. A cancelled read ends the footage early
    /// (a live source learned for some seconds): what was read is returned. <paramref name="truncated"/>: the limit cut
    /// the footage short.
    /// </summary>
    public List<IReadOnlyList<byte[]>> Collect(IReadOnlyList<string> uris, int maxFrames, out bool truncated, Action<long>? progress = null,
        CancellationToken cancellation = default)
    {
        var runs = new List<IReadOnlyList<byte[]>>(uris.Count);
        long total = 0;
        truncated = false;
        try
        {
            foreach (var uri in uris)
            {
                var run = new List<byte[]>();
                runs.Add(run);
                using var clip = new ClipState(uri, model, analysisFps, sourceFps, 1);
                while (true)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (total >= maxFrames)
                    {
                        truncated = clip.TryRead(out _);
                        break;
                    }
                    if (!clip.TryRead(out _)) break;
                    run.Add(clip.Grey.ToArray());
                    if (++total % 256 == 0) progress?.Invoke(total);
                }
                if (truncated) break;
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        progress?.Invoke(total);
        runs.RemoveAll(r => r.Count == 0);
        return runs;
    }

    private long RunClips(int count, Func<int, IClip> open, NormalityProfile? profile, FrameCallback onFrame,
        Action<long>? progress, CancellationToken cancellation)
    {
        var clips = new List<IClip>(count);
        try
        {
            for (var i = 0; i < count; i++) clips.Add(open(i));
            // Each clip's frame score as the daemon forms a camera's: the profile's stride and smoothing.
            var smoothers = clips.Select(c => profile is null ? model.CreateScoreSmoother(c.Window.Stride) : model.CreateScoreSmoother(profile)).ToArray();
            using var batch = model.CreateBatch(Math.Max(1, maxBatchSize));
            var pending = new List<(int Clip, long Frame, long SinceStart, bool WarmingUp)>(batch.Capacity);
            long analysed = 0;
            var active = Enumerable.Range(0, clips.Count).ToList();
            var rr = 0;
            while (active.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                batch.Clear();
                pending.Clear();
                // Fill the batch round-robin: one frame per clip per turn, as the daemon does across cameras.
                while (batch.Count < batch.Capacity && active.Count > 0)
                {
                    rr %= active.Count;
                    var c = active[rr];
                    if (clips[c].TryNext(out var index))
                    {
                        batch.Add(clips[c].Window, profile);
                        pending.Add((c, index, clips[c].Window.FramesSinceStart, !clips[c].Window.IsFull));
                        rr++;
                    }
                    else
                    {
                        clips[c].Dispose();
                        active.RemoveAt(rr);
                    }
                }
                if (batch.Count == 0) break;
                model.Run(batch);
                for (var i = 0; i < pending.Count; i++)
                {
                    var (c, frame, sinceStart, warmingUp) = pending[i];
                    // A window with a padded past counts on the camera's real-past scale (decision 0022), as in the daemon.
                    var score = warmingUp && profile is not null ? profile.Calibration.WarmUpAdjusted(batch.Score[i], sinceStart) : batch.Score[i];
                    onFrame(c, frame, batch, i, smoothers[c].Add(score, sinceStart == 1));
                }
                analysed += batch.Count;
                progress?.Invoke(analysed);
            }
            return analysed;
        }
        finally
        {
            foreach (var c in clips) c.Dispose();
        }
    }

    private interface IClip : IDisposable
    {
        FrameWindow Window { get; }
        /// <summary>Pushes the next analysed frame into <see cref="Window"/> (false at the end of the clip).</summary>
        bool TryNext(out long index);
    }

    private sealed class MemoryClip(IReadOnlyList<byte[]> frames, AnomalyModel model, int stride) : IClip
    {
        private int _next;
        public FrameWindow Window { get; } = model.CreateWindow(stride);

        public bool TryNext(out long index)
        {
            index = _next;
            if (_next >= frames.Count) return false;
            Window.Push(frames[_next++]);
            return true;
        }

        public void Dispose() { }
    }

    private sealed class ClipState : IClip
    {
        private readonly VideoCapture _capture;
        private readonly byte[] _grey;
        private readonly FrameSampler _sampler;
        private readonly double _fps;
        private readonly AnomalyModel _model;
        private long _index = -1;

        public ClipState(string uri, AnomalyModel model, double analysisFps, double sourceFps, int stride)
        {
            _model = model;
            _capture = VideoCapture.Open(uri);
            _fps = FpsOf(_capture, sourceFps);
            // Without a known frame rate (image sequences) every frame is analysed.
            _sampler = new FrameSampler(_fps > 0 ? analysisFps : 0);
            _grey = new byte[model.H * model.W];
            Window = model.CreateWindow(stride);
        }

        public FrameWindow Window { get; }
        /// <summary>The last frame read (grey, model size).</summary>
        public ReadOnlySpan<byte> Grey => _grey;

        public bool TryNext(out long index)
        {
            if (!TryRead(out index)) return false;
            Window.Push(_grey);
            return true;
        }

        /// <summary>Reads the next frame to analyse into <see cref="Grey"/> (false at the end of the clip).</summary>
        public bool TryRead(out long index)
        {
            while (true)
            {
                _index++;
                var t = _fps > 0 ? _index / _fps : _index;
                if (!_sampler.ShouldAnalyse(t))
                {
                    if (!_capture.Grab()) { index = -1; return false; }
                    continue;
                }
                if (_capture.Read(_grey, _model.W, _model.H, PixelFormat.Gray8) != FrameStatus.Ok) { index = -1; return false; }
                index = _index;
                return true;
            }
        }

        public void Dispose() => _capture.Dispose();
    }
}
