using Monitoring.Analysis;
using Monitoring.Events;
using Monitoring.Regions;

namespace Monitoring.Web;

/// <summary>
/// One camera as the dashboard sees it: what the last analysed frame said (score, threshold, learning, regions), the
/// recent scores for the chart, the open events, and the live JPEGs rendered for viewers. Frames are copied and
/// rendered only while someone watches (<see cref="Watch"/>, <see cref="Lease"/>), at most once per <c>minInterval</c>, one render at a
/// time, off the pipeline's task: with no viewer the pipeline pays a few field writes per frame.
/// </summary>
public sealed class CameraView
{
    private readonly object _gate = new();
    private readonly ScoreSample[] _scores;
    private int _nextScore, _scoreCount;
    private readonly Dictionary<string, AlertMessage> _open = new(StringComparer.Ordinal);
    private readonly int[] _viewers = new int[FrameOverlays.Count];
    private readonly long[] _leaseUntil = Enumerable.Repeat(long.MinValue, FrameOverlays.Count).ToArray();
    private long _claimTicks;
    private readonly byte[]?[] _jpeg = new byte[FrameOverlays.Count][];
    private long _version;
    private TaskCompletionSource _changed = NewSignal();
    private long _lastCaptureTicks = long.MinValue;
    private int _rendering;
    private long _analysed, _learningFrames, _rendered;
    private (long Ticks, long Decoded, long Analysed, long Dropped) _rateBase = (long.MinValue, 0, 0, 0);
    private (double Decoded, double Analysed, double Dropped) _rates;

    public CameraView(string id, int scoreCapacity)
    {
        Id = id;
        _scores = new ScoreSample[Math.Max(16, scoreCapacity)];
    }

    public string Id { get; }
    public long Analysed => Interlocked.Read(ref _analysed);
    /// <summary>Analysed frames seen while the camera was learning its profile (this run).</summary>
    public long LearningFrames => Interlocked.Read(ref _learningFrames);
    /// <summary>Frames rendered for viewers so far (the rate bound is checked against it).</summary>
    public long Rendered => Interlocked.Read(ref _rendered);
    public bool Learning { get; private set; }
    public string ProfileVersion { get; private set; } = "";
    public float Score { get; private set; }
    /// <summary>The last analysed frame's hottest cell (what the region threshold is compared with).</summary>
    public float Peak { get; private set; }
    public float? ProfileThreshold { get; private set; }
    public DateTimeOffset? LastFrameAt { get; private set; }
    public int SourceWidth { get; private set; }
    public int SourceHeight { get; private set; }
    public IReadOnlyList<Region> Regions { get; private set; } = [];
    /// <summary>Why the last render for viewers failed (null when it worked).</summary>
    public string? RenderError { get; private set; }

    /// <summary>Open streams plus overlays leased by still-frame requests (<see cref="Lease"/>) at <paramref name="nowTicks"/>.</summary>
    public int Viewers(long nowTicks)
    {
        lock (_gate) return _viewers.Sum() + _leaseUntil.Count(t => t > nowTicks);
    }

    private bool Watched(int overlay, long nowTicks) => _viewers[overlay] > 0 || _leaseUntil[overlay] > nowTicks;

    /// <summary>Records what an analysed frame said (cheap; every frame). <paramref name="threshold"/>: the region threshold in force.</summary>
    public void Record(ScoredFrame f, IReadOnlyList<Region> regions, float? threshold, DateTimeOffset now)
    {
        Interlocked.Increment(ref _analysed);
        if (f.Learning) Interlocked.Increment(ref _learningFrames);
        var peak = 0f;
        foreach (var v in f.AnomalyMap) peak = MathF.Max(peak, v);
        lock (_gate)
        {
            Learning = f.Learning;
            ProfileVersion = f.ProfileVersion;
            Score = f.Score;
            Peak = peak;
            ProfileThreshold = f.ProfileThreshold;
            LastFrameAt = now;
            SourceWidth = f.Frame.SourceWidth;
            SourceHeight = f.Frame.SourceHeight;
            Regions = regions.Count == 0 ? [] : regions.ToArray();
            _scores[_nextScore] = new ScoreSample(now.ToUnixTimeMilliseconds(), f.Score, peak, threshold);
            _nextScore = (_nextScore + 1) % _scores.Length;
            _scoreCount = Math.Min(_scoreCount + 1, _scores.Length);
        }
    }

    /// <summary>The chart's samples newer than <paramref name="sinceUnixMs"/>, oldest first.</summary>
    public IReadOnlyList<ScoreSample> Scores(long sinceUnixMs)
    {
        lock (_gate)
        {
            var list = new List<ScoreSample>(_scoreCount);
            for (var i = 0; i < _scoreCount; i++)
            {
                var s = _scores[(_nextScore - _scoreCount + i + _scores.Length) % _scores.Length];
                if (s.UnixMs > sinceUnixMs) list.Add(s);
            }
            return list;
        }
    }

    /// <summary>Keeps the camera's open events: a new/update message opens or refreshes one, an end closes it.</summary>
    public void OnMessage(AlertMessage m)
    {
        lock (_gate)
        {
            if (m.Type == AlertLifecycle.End) _open.Remove(m.EventId);
            else _open[m.EventId] = m;
        }
    }

    public IReadOnlyList<AlertMessage> OpenEvents
    {
        get
        {
            lock (_gate) return _open.Values.OrderBy(m => m.StartedAt).ToArray();
        }
    }

    /// <summary>Per-second rates of decoded / analysed / dropped frames, re-measured at most once a second.</summary>
    public (double Decoded, double Analysed, double Dropped) Rates(long decoded, long dropped, long nowTicks, long ticksPerSecond)
    {
        lock (_gate)
        {
            var analysed = Analysed;
            if (_rateBase.Ticks == long.MinValue)
            {
                _rateBase = (nowTicks, decoded, analysed, dropped);
                return _rates;
            }
            var seconds = (double)(nowTicks - _rateBase.Ticks) / ticksPerSecond;
            if (seconds < 1) return _rates;
            _rates = ((decoded - _rateBase.Decoded) / seconds, (analysed - _rateBase.Analysed) / seconds, (dropped - _rateBase.Dropped) / seconds);
            _rateBase = (nowTicks, decoded, analysed, dropped);
            return _rates;
        }
    }

    /// <summary>
    /// A still-frame viewer (the grid asks for the latest JPEG once a second): frames of <paramref name="overlay"/> are
    /// rendered until <paramref name="leaseTicks"/> after the last request. Returns the latest JPEG, if any yet.
    /// </summary>
    public byte[]? Lease(FrameOverlay overlay, long nowTicks, long leaseTicks)
    {
        lock (_gate)
        {
            _leaseUntil[(int)overlay] = nowTicks + leaseTicks;
            return _jpeg[(int)overlay];
        }
    }

    /// <summary>A viewer of <paramref name="overlay"/> until disposed: frames are rendered only while there is one.</summary>
    public IDisposable Watch(FrameOverlay overlay)
    {
        lock (_gate) _viewers[(int)overlay]++;
        return new Viewer(this, overlay);
    }

    /// <summary>
    /// Whether this frame is to be rendered for viewers: someone watches, <paramref name="minIntervalTicks"/> have passed since
    /// the last one and no render is running. Claims the render when it says yes (<see cref="Render"/> releases it).
    /// </summary>
    public bool TryClaimRender(long nowTicks, long minIntervalTicks)
    {
        lock (_gate)
        {
            if (!Enumerable.Range(0, FrameOverlays.Count).Any(o => Watched(o, nowTicks))) return false;
            if (_lastCaptureTicks != long.MinValue && nowTicks - _lastCaptureTicks < minIntervalTicks) return false;
            if (_rendering != 0) return false;
            _rendering = 1;
            _lastCaptureTicks = nowTicks;
            _claimTicks = nowTicks;
            return true;
        }
    }

    /// <summary>True while a render claimed by <see cref="TryClaimRender"/> has not finished.</summary>
    internal bool RenderPending
    {
        get
        {
            lock (_gate) return _rendering != 0;
        }
    }

    /// <summary>Gives up a claim taken by <see cref="TryClaimRender"/> without rendering.</summary>
    public void ReleaseClaim()
    {
        lock (_gate) _rendering = 0;
    }

    /// <summary>Renders <paramref name="frame"/> for every overlay being watched, publishes the JPEGs, disposes the frame, releases the claim.</summary>
    public void Render(LiveFrame frame, ModelHead? head)
    {
        try
        {
            for (var o = 0; o < FrameOverlays.Count; o++)
            {
                bool watched;
                lock (_gate) watched = Watched(o, _claimTicks);
                if (!watched) continue;
                var jpeg = frame.RenderJpeg((FrameOverlay)o, head);
                lock (_gate) _jpeg[o] = jpeg;
            }
            RenderError = null;
            Interlocked.Increment(ref _rendered);
            TaskCompletionSource changed;
            lock (_gate)
            {
                _version++;
                changed = _changed;
                _changed = NewSignal();
            }
            changed.TrySetResult();
        }
        catch (Exception e)
        {
            // Runs on the thread pool: a failure must not take the process down; the page shows it.
            RenderError = e.Message;
        }
        finally
        {
            frame.Dispose();
            ReleaseClaim();
        }
    }

    /// <summary>The latest JPEG of <paramref name="overlay"/> newer than <paramref name="afterVersion"/>; waits for one (null when cancelled).</summary>
    public async Task<(byte[] Jpeg, long Version)?> NextAsync(FrameOverlay overlay, long afterVersion, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            Task wait;
            lock (_gate)
            {
                if (_version > afterVersion && _jpeg[(int)overlay] is { } jpeg) return (jpeg, _version);
                wait = _changed.Task;
            }
            try
            {
                await wait.WaitAsync(cancellation);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return null;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Viewer(CameraView view, FrameOverlay overlay) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            lock (view._gate) view._viewers[(int)overlay]--;
        }
    }
}
