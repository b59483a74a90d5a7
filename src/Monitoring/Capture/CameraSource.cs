using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitoring.Configuration;
using Monitoring.Native.OpenCv;

namespace Monitoring.Capture;

/// <summary>
/// Reads one camera on its own thread: opens the source, decodes every frame, hands the frames due for
/// analysis to a bounded channel, and heals itself. Live sources (RTSP, devices) drop the oldest queued
/// frame when analysis falls behind (counted) and reconnect with capped exponential backoff forever;
/// a no-frame watchdog (the read timeout) restarts a silent stream. Files wait for the analyser, and
/// end (or loop).
/// </summary>
public sealed class CameraSource
{
    private readonly CameraOptions _camera;
    private readonly CaptureOptions _capture;
    private readonly int _greyWidth, _greyHeight, _maxSnapshotWidth;
    private readonly ILogger _log;
    private readonly Channel<Frame> _channel;
    private readonly string _maskedUrl;
    private volatile CameraState _state = CameraState.Connecting;

    public CameraSource(CameraOptions camera, CaptureOptions capture, PipelineOptions pipeline,
        int greyWidth, int greyHeight, int maxSnapshotWidth, ILogger log)
    {
        _camera = camera;
        _capture = capture;
        _greyWidth = greyWidth;
        _greyHeight = greyHeight;
        _maxSnapshotWidth = maxSnapshotWidth;
        _log = log;
        Kind = SourceKinds.Of(camera.Url);
        BuffersAsLive = Kind.IsLive() || (camera.TreatAsLive && camera.Realtime);
        _maskedUrl = UriMasking.Mask(camera.Url);
        var options = new BoundedChannelOptions(pipeline.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BuffersAsLive ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
        };
        _channel = Channel.CreateBounded<Frame>(options, dropped =>
        {
            Interlocked.Increment(ref _framesDropped);
            dropped.Dispose();
        });
    }

    private int _segment;
    private long _framesDecoded, _framesQueued, _framesDropped, _reconnects;
    private long _lastFrameTicks = Environment.TickCount64;
    private readonly OutageLog _outage = new();

    public string Id => _camera.Id;
    public CameraOptions Options => _camera;
    public SourceKind Kind { get; }
    /// <summary>Drop-oldest buffering and frame-age limit: live sources, and paced files with <c>treatAsLive</c>.</summary>
    public bool BuffersAsLive { get; }
    public CameraState State => _state;
    public ChannelReader<Frame> Frames => _channel.Reader;
    public long FramesDecoded => Interlocked.Read(ref _framesDecoded);
    public long FramesQueued => Interlocked.Read(ref _framesQueued);
    public long FramesDropped => Interlocked.Read(ref _framesDropped);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public int QueueDepth => _channel.Reader.CanCount ? _channel.Reader.Count : 0;
    /// <summary>Seconds since the last decoded frame.</summary>
    public double SecondsSinceLastFrame => (Environment.TickCount64 - Interlocked.Read(ref _lastFrameTicks)) / 1000.0;

    /// <summary>Counts a frame the analyser dropped because it was too old.</summary>
    internal void CountDropped() => Interlocked.Increment(ref _framesDropped);

    /// <summary>Starts the reading thread; the task completes when the source ends or is stopped.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Loop(stop);
                tcs.TrySetResult();
            }
            catch (Exception e)
            {
                tcs.TrySetException(e);
            }
            finally
            {
                _channel.Writer.TryComplete();
            }
        })
        {
            IsBackground = true,
            Name = $"capture:{_camera.Id}",
        };
        thread.Start();
        return tcs.Task;
    }

    private void Loop(CancellationToken stop)
    {
        var backoffMs = (double)_capture.BackoffInitialMs;
        var everStreamed = false;
        while (!stop.IsCancellationRequested)
        {
            _state = everStreamed ? CameraState.Reconnecting : CameraState.Connecting;
            VideoCapture? cap = null;
            try
            {
                // OpenCV's FFmpeg open holds a process-wide lock: only a camera that answers may take it.
                if (Kind == SourceKind.Rtsp) NetworkProbe.Check(_camera.Url, _maskedUrl, _capture.OpenTimeoutMs, stop);
                cap = VideoCapture.Open(_camera.Url, new CaptureOpenOptions { OpenTimeoutMs = _capture.OpenTimeoutMs, ReadTimeoutMs = _capture.ReadTimeoutMs });
                _log.LogInformation("Camera {Camera} opened {Url} ({Width}x{Height} @ {Fps:0.##} fps, {Kind})",
                    _camera.Id, _maskedUrl, cap.Width, cap.Height, cap.Fps, Kind);
                _state = CameraState.Streaming;
                everStreamed = true;
                var ended = Stream(cap, stop, ref backoffMs);
                if (ended)
                {
                    if (_camera.Loop && !Kind.IsLive()) continue;
                    if (!Kind.IsLive())
                    {
                        _state = CameraState.Ended;
                        _log.LogInformation("Camera {Camera}: end of {Url} after {Frames} frames", _camera.Id, _maskedUrl, FramesDecoded);
                        return;
                    }
                    ReportFailure($"stream {_maskedUrl} ended", backoffMs);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (CaptureException e)
            {
                if (!Kind.IsLive() && !everStreamed)
                {
                    // A file that cannot be opened will not open on a retry: say so once and stop this camera.
                    _state = CameraState.Stopped;
                    _log.LogError("Camera {Camera}: {Error}", _camera.Id, e.Message);
                    throw;
                }
                ReportFailure(e.Message, backoffMs);
            }
            finally
            {
                cap?.Dispose();
            }
            if (stop.IsCancellationRequested) break;
            _state = CameraState.Reconnecting;
            Interlocked.Increment(ref _reconnects);
            // Capped exponential backoff with jitter (±20 %), so many cameras do not retry in lockstep.
            var delay = backoffMs * (0.8 + 0.4 * Random.Shared.NextDouble());
            stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(delay));
            backoffMs = Math.Min(backoffMs * 2, _capture.BackoffMaxMs);
        }
        _state = CameraState.Stopped;
    }

    /// <summary>Reads until the source ends (true) or fails (CaptureException). Resets the backoff once frames flow.</summary>
    private bool Stream(VideoCapture cap, CancellationToken stop, ref double backoffMs)
    {
        var live = Kind.IsLive();
        var fps = _camera.Fps > 0 ? _camera.Fps : cap.Fps is > 0 and < 1000 ? cap.Fps : 0;
        var sampler = new FrameSampler(_camera.AnalysisFps);
        var (bgrW, bgrH) = SnapshotSize(cap.Width, cap.Height);
        var clock = Stopwatch.StartNew();
        var start = DateTimeOffset.UtcNow;
        long index = -1;
        var framesThisConnection = 0;
        var segment = Interlocked.Increment(ref _segment);
        while (!stop.IsCancellationRequested)
        {
            index++;
            // Media time for files (decoding can run faster than real time), wall time for live sources.
            var seconds = !live && fps > 0 ? index / fps : clock.Elapsed.TotalSeconds;
            if (!live && _camera.Realtime && fps > 0)
            {
                var ahead = seconds - clock.Elapsed.TotalSeconds;
                if (ahead > 0.001) stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(ahead));
            }
            if (!sampler.ShouldAnalyse(seconds))
            {
                if (!cap.Grab()) return true;
                Touch();
                continue;
            }
            var timestamp = live || fps <= 0 ? DateTimeOffset.UtcNow : start + TimeSpan.FromSeconds(seconds);
            var frame = new Frame(_camera.Id, index, timestamp, _greyWidth, _greyHeight, bgrW, bgrH, cap.Width, cap.Height) { Segment = segment };
            try
            {
                if (cap.Read(frame.Grey, _greyWidth, _greyHeight, PixelFormat.Gray8) != FrameStatus.Ok)
                {
                    frame.Dispose();
                    return true;
                }
                if (frame.HasBgr) cap.RetrieveLast(frame.Bgr, bgrW, bgrH, PixelFormat.Bgr24);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
            Touch();
            if (++framesThisConnection == 1)
            {
                backoffMs = _capture.BackoffInitialMs;
                if (_outage.Recovered(Environment.TickCount64) is { } back)
                    _log.LogInformation("Camera {Camera}: frames flowing again after {Down:0.0} s down and {Attempts} failed attempts",
                        _camera.Id, back.DownMs / 1000.0, back.Attempts);
            }
            frame.EnqueuedTicks = Environment.TickCount64;
            if (BuffersAsLive)
            {
                _channel.Writer.TryWrite(frame); // DropOldest: never blocks; a dropped frame is counted.
            }
            else
            {
                try
                {
                    _channel.Writer.WriteAsync(frame, stop).AsTask().GetAwaiter().GetResult();
                }
                catch
                {
                    frame.Dispose();
                    throw;
                }
            }
            Interlocked.Increment(ref _framesQueued);
        }
        return false;
    }

    /// <summary>Logs a failed attempt without flooding: see <see cref="OutageLog"/>.</summary>
    private void ReportFailure(string error, double backoffMs)
    {
        var entry = _outage.Failure(error, Environment.TickCount64);
        switch (entry.Kind)
        {
            case OutageKind.First or OutageKind.Changed:
                _log.LogWarning("Camera {Camera}: {Error}; retrying in {Delay:0.0} s", _camera.Id, error, backoffMs / 1000);
                break;
            case OutageKind.StillDown:
                _log.LogWarning("Camera {Camera}: still down after {Attempts} attempts in {Minutes:0} min ({Error}); retrying at most {Max:0} s apart",
                    _camera.Id, entry.Attempts, entry.DownMs / 60_000.0, error, _capture.BackoffMaxMs / 1000.0);
                break;
            default:
                _log.LogDebug("Camera {Camera}: {Error}; retrying in {Delay:0.0} s (attempt {Attempts})", _camera.Id, error, backoffMs / 1000, entry.Attempts);
                break;
        }
    }

    private void Touch()
    {
        Interlocked.Increment(ref _framesDecoded);
        Interlocked.Exchange(ref _lastFrameTicks, Environment.TickCount64);
    }

    private (int W, int H) SnapshotSize(int w, int h)
    {
        if (_maxSnapshotWidth <= 0 || w <= 0 || h <= 0) return (0, 0);
        if (w <= _maxSnapshotWidth) return (w, h);
        var scale = (double)_maxSnapshotWidth / w;
        return (_maxSnapshotWidth, Math.Max(1, (int)Math.Round(h * scale)));
    }
}
