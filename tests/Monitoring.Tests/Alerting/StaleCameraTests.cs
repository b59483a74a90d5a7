using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitoring.Alerting;
using Monitoring.Analysis;
using Monitoring.Configuration;
using Monitoring.Delivery;
using Monitoring.Events;

namespace Monitoring.Tests.Alerting;

/// <summary>
/// A camera that stops delivering frames mid-event: the alert stage ends its events after staleEndSeconds of its
/// (injected, manual) clock, with the capture time of the last frame or the drop time as endedAt, and not before.
/// </summary>
public sealed class StaleCameraTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static EventOptions Options(double cooldown = 30, double endGrace = 0, int endAfterQuietFrames = 3) => new()
    {
        ConfirmFrames = 2, WindowFrames = 3, EndAfterQuietFrames = endAfterQuietFrames, IouThreshold = 0.25,
        UpdateIntervalSeconds = 1000, UpdatePeakRise = 0.2f, CooldownSeconds = cooldown, EndGraceSeconds = endGrace,
        StaleEndSeconds = 30,
    };

    [Fact]
    public async Task An_event_open_when_frames_stop_ends_once_after_stale_end_seconds_at_the_last_frame_capture_time()
    {
        await using var rig = new StageRig(Options());
        Assert.Empty(await rig.Idle());
        rig.Frame("a", 0, T0, blob: true);
        rig.Frame("a", 1, T0.AddSeconds(1), blob: true);
        rig.Frame("a", 2, T0.AddSeconds(2), blob: true);
        var started = await rig.Idle();
        var created = Assert.Single(started);
        Assert.Equal(AlertLifecycle.New, created.Type);

        // 30 s of silence by the stage's clock: checked every second, nothing ends yet.
        for (int s = 1; s <= 30; s++)
        {
            rig.Clock.Advance(Second);
            Assert.Empty(await rig.Idle());
        }
        Assert.DoesNotContain(rig.Logs.Entries, e => e.Message.Contains("no frames", StringComparison.Ordinal));

        rig.Clock.Advance(Second); // 31 s: more than staleEndSeconds
        var end = Assert.Single(await rig.Idle());
        Assert.Equal(AlertLifecycle.End, end.Type);
        Assert.Equal(EndReason.Stale, end.EndReason);
        Assert.Equal(created.EventId, end.EventId);
        Assert.Equal(T0.AddSeconds(2), end.EndedAt);     // the capture time of the last frame, not the wall clock now
        Assert.Equal(T0.AddSeconds(2), end.OccurredAt);
        Assert.Equal(2, end.FrameIndex);
        Assert.Equal(T0.AddSeconds(32), end.CooldownUntil);
        var line = Assert.Single(rig.Logs.Entries, e => e.Message.Contains("no frames", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("Camera a: no frames for 31 s; ended 1 open event(s)", line.Message);

        // Exactly one end: later checks find nothing open.
        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(await rig.Idle());
        rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await rig.Idle());

        Assert.Empty(await rig.CompleteAsync());         // nothing left for the shutdown
        Assert.Equal(1, rig.Stage.Emitted[AlertLifecycle.End]);
    }

    [Fact]
    public async Task An_event_waiting_out_its_grace_when_frames_stop_ends_with_its_drop_time()
    {
        await using var rig = new StageRig(Options(endGrace: 60, endAfterQuietFrames: 1));
        await rig.Idle();
        rig.Frame("a", 0, T0, blob: true);
        rig.Frame("a", 1, T0.AddSeconds(1), blob: true);   // new
        rig.Frame("a", 2, T0.AddSeconds(2), blob: false);  // the track is dropped: the end waits out the grace
        rig.Frame("a", 3, T0.AddSeconds(3), blob: false);
        Assert.Equal(AlertLifecycle.New, Assert.Single(await rig.Idle()).Type);

        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await rig.Idle());
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var end = Assert.Single(await rig.Idle());
        Assert.Equal(EndReason.Stale, end.EndReason);
        Assert.Equal(T0.AddSeconds(2), end.EndedAt);      // when its last region was dropped
        Assert.Equal(T0.AddSeconds(3), end.OccurredAt);   // the last frame
        Assert.Equal(T0.AddSeconds(2 + 30), end.CooldownUntil);
    }

    [Theory]
    [InlineData(30, false)]    // back after the cooldown: a new event
    [InlineData(600, true)]    // back within the cooldown: the ended event re-opens
    public async Task When_frames_resume_tracking_starts_afresh_and_the_normal_rules_apply(double cooldown, bool reopens)
    {
        await using var rig = new StageRig(Options(cooldown: cooldown));
        await rig.Idle();
        rig.Frame("a", 0, T0, blob: true);
        rig.Frame("a", 1, T0.AddSeconds(1), blob: true);
        var created = Assert.Single(await rig.Idle());
        rig.Clock.Advance(TimeSpan.FromSeconds(31));
        var end = Assert.Single(await rig.Idle());
        Assert.Equal(EndReason.Stale, end.EndReason);

        // The camera is back two minutes later (capture time): the region must be confirmed anew (k of n).
        var back = T0.AddSeconds(121);
        rig.Frame("a", 0, back, blob: true);
        Assert.Empty(await rig.Idle());
        rig.Frame("a", 1, back.AddSeconds(1), blob: true);
        var again = Assert.Single(await rig.Idle());
        if (reopens)
        {
            Assert.Equal(AlertLifecycle.Update, again.Type);
            Assert.True(again.Reopened);
            Assert.Equal(created.EventId, again.EventId);
            Assert.Equal(3, again.Sequence);
        }
        else
        {
            Assert.Equal(AlertLifecycle.New, again.Type);
            Assert.NotEqual(created.EventId, again.EventId);
            Assert.Equal(1, again.Sequence);
        }

        // Stopping the daemon now ends the resumed event as a shutdown.
        var shutdown = Assert.Single(await rig.CompleteAsync());
        Assert.Equal(AlertLifecycle.End, shutdown.Type);
        Assert.Equal(EndReason.Shutdown, shutdown.EndReason);
        Assert.Equal(again.EventId, shutdown.EventId);
    }

    [Fact]
    public async Task Only_the_silent_camera_has_its_events_ended()
    {
        await using var rig = new StageRig(Options());
        await rig.Idle();
        rig.Frame("a", 0, T0, blob: true);
        rig.Frame("b", 0, T0, blob: true);
        rig.Frame("a", 1, T0.AddSeconds(1), blob: true);
        rig.Frame("b", 1, T0.AddSeconds(1), blob: true);
        Assert.Equal(["a", "b"], (await rig.Idle()).Select(m => m.Camera).Order());

        // b goes on delivering a frame a second; a is silent.
        var ended = new List<AlertMessage>();
        for (int s = 1; s <= 31; s++)
        {
            rig.Frame("b", 1 + s, T0.AddSeconds(1 + s), blob: true);
            ended.AddRange(await rig.Idle());
            rig.Clock.Advance(Second);
            ended.AddRange(await rig.Idle());
            Assert.True(s == 31 || ended.Count == 0, $"something ended after {s} s: {string.Join(", ", ended.Select(m => m.Camera))}");
        }
        var end = Assert.Single(ended);
        Assert.Equal("a", end.Camera);
        Assert.Equal(EndReason.Stale, end.EndReason);
        Assert.Equal(T0.AddSeconds(1), end.EndedAt);

        // At the stop, b's event ends as a shutdown.
        var shutdown = Assert.Single(await rig.CompleteAsync());
        Assert.Equal("b", shutdown.Camera);
        Assert.Equal(EndReason.Shutdown, shutdown.EndReason);
    }

    [Fact]
    public async Task A_camera_without_open_events_is_left_alone()
    {
        await using var rig = new StageRig(Options());
        await rig.Idle();
        rig.Frame("a", 0, T0, blob: false);
        rig.Frame("a", 1, T0.AddSeconds(1), blob: true);   // a candidate, never confirmed
        await rig.Idle();
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await rig.Idle());
        Assert.DoesNotContain(rig.Logs.Entries, e => e.Message.Contains("no frames", StringComparison.Ordinal));
        Assert.Empty(await rig.CompleteAsync());
    }

    [Fact]
    public async Task On_the_system_clock_a_silent_camera_event_ends_after_stale_end_seconds()
    {
        // The production clock and timer path, with the shortest valid staleEndSeconds; bounded real waiting (~1.5 s).
        var options = Options();
        options.StaleEndSeconds = 1;
        var ended = new TaskCompletionSource<AlertMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new CallbackSink(m => { if (m.Type == AlertLifecycle.End) ended.TrySetResult(m); });
        var frames = Channel.CreateBounded<ScoredFrame>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var alerting = new AlertingOptions { Regions = new RegionOptions { Threshold = 0.5f }, Events = options, Snapshots = new SnapshotOptions { Enabled = false } };
        var logs = new OneLoggerFactory(new CapturingLogger());
        var stage = new AlertStage(alerting, new AlertSinks(new LoggingSink(logs.CreateLogger<LoggingSink>()), observer: sink), null, null, "model-1",
            TimeSpan.Zero, logs, TimeProvider.System, TimeSpan.FromMilliseconds(100));
        var run = stage.RunAsync(frames.Reader, CancellationToken.None);
        var written = System.Diagnostics.Stopwatch.StartNew();
        frames.Writer.TryWrite(StageRig.Make("a", 0, T0, blob: true));
        frames.Writer.TryWrite(StageRig.Make("a", 1, T0.AddSeconds(1), blob: true));
        var end = await ended.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(written.Elapsed >= TimeSpan.FromSeconds(1), $"ended after {written.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(EndReason.Stale, end.EndReason);
        Assert.Equal(T0.AddSeconds(1), end.EndedAt);
        frames.Writer.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Cancelling_the_stage_while_it_waits_for_frames_stops_it_without_waiting_for_the_timer()
    {
        // The manual clock never moves, so only the cancellation can wake the wait.
        var frames = Channel.CreateBounded<ScoredFrame>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var alerting = new AlertingOptions { Regions = new RegionOptions { Threshold = 0.5f }, Events = Options(), Snapshots = new SnapshotOptions { Enabled = false } };
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logs = new OneLoggerFactory(new CapturingLogger());
        var stage = new AlertStage(alerting, new AlertSinks(new LoggingSink(logs.CreateLogger<LoggingSink>())), null, null, "model-1", TimeSpan.Zero, logs,
            new ManualClock(), Second)
        {
            Waiting = () => waiting.TrySetResult(),
        };
        using var cancel = new CancellationTokenSource();
        var run = stage.RunAsync(frames.Reader, cancel.Token);
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(20));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    private sealed class CallbackSink(Action<AlertMessage> onMessage) : IAlertSink
    {
        public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
        {
            onMessage(message);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// An <see cref="AlertStage"/> on a manual clock, reading a channel the test writes. <see cref="Idle"/> returns the
    /// messages emitted until the stage has handled every frame written and waits again: a sync point without sleeps.
    /// </summary>
    private sealed class StageRig : IAsyncDisposable, IAlertSink
    {
        private readonly Channel<ScoredFrame> _frames = Channel.CreateBounded<ScoredFrame>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        private readonly CountingReader _reader;
        /// <summary>What the stage did, in order: a message, or (null, frames read) when it went waiting.</summary>
        private readonly Channel<(AlertMessage? Message, int Read)> _log = Channel.CreateUnbounded<(AlertMessage?, int)>();
        private int _written;
        private bool _completed;

        public StageRig(EventOptions events)
        {
            _reader = new CountingReader(_frames.Reader);
            var alerting = new AlertingOptions
            {
                Regions = new RegionOptions { Threshold = 0.5f },
                Events = events,
                Snapshots = new SnapshotOptions { Enabled = false },
            };
            var logs = new OneLoggerFactory(Logs);
            Stage = new AlertStage(alerting, new AlertSinks(new LoggingSink(logs.CreateLogger<LoggingSink>()), observer: this), null, null, "model-1",
                TimeSpan.Zero, logs, Clock, Second)
            {
                Waiting = () => _log.Writer.TryWrite((null, _reader.Read)),
            };
            Run = Stage.RunAsync(_reader, CancellationToken.None);
        }

        public ManualClock Clock { get; } = new();
        public CapturingLogger Logs { get; } = new();
        public AlertStage Stage { get; }
        public Task Run { get; }

        /// <summary>A 16×12 map on a 160×120 frame, with or without one 3×3 blob of 0.9.</summary>
        public void Frame(string camera, long index, DateTimeOffset at, bool blob)
        {
            Assert.True(_frames.Writer.TryWrite(Make(camera, index, at, blob)));
            _written++;
        }

        public static ScoredFrame Make(string camera, long index, DateTimeOffset at, bool blob)
        {
            var map = blob ? SyntheticMaps.Blobs(16, 12, (4, 4, 3, 3, 0.9f)) : new float[16 * 12];
            var frame = new Monitoring.Capture.Frame(camera, index, at, 8, 8, 0, 0, 160, 120);
            return new ScoredFrame(frame, map.Max(), map, 16, 12, learning: false, "profile-1");
        }

        public async Task<List<AlertMessage>> Idle()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // only reached when the stage hangs
            var messages = new List<AlertMessage>();
            while (true)
            {
                (AlertMessage? Message, int Read) entry;
                try
                {
                    entry = await _log.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"The stage did not wait again within 30 s (it read {_reader.Read} of {_written} frames; messages so far: {messages.Count}).");
                    throw;
                }
                if (entry.Message is not null) messages.Add(entry.Message);
                else if (entry.Read == _written) return messages;
            }
        }

        /// <summary>Completes the frame channel (the daemon stopping) and returns what the stage emitted until it finished.</summary>
        public async Task<List<AlertMessage>> CompleteAsync()
        {
            _completed = true;
            _frames.Writer.Complete();
            await Run.WaitAsync(TimeSpan.FromSeconds(30));
            var messages = new List<AlertMessage>();
            while (_log.Reader.TryRead(out var entry))
                if (entry.Message is not null) messages.Add(entry.Message);
            return messages;
        }

        public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
        {
            _log.Writer.TryWrite((message, -1));
            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_completed)
            {
                _frames.Writer.TryComplete();
                await Run.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }

    /// <summary>Counts the frames the stage has taken off the channel.</summary>
    private sealed class CountingReader(ChannelReader<ScoredFrame> inner) : ChannelReader<ScoredFrame>
    {
        private int _read;
        public int Read => Volatile.Read(ref _read);
        public override Task Completion => inner.Completion;

        public override bool TryRead(out ScoredFrame item)
        {
            if (!inner.TryRead(out item!)) return false;
            Interlocked.Increment(ref _read);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
    }

    private sealed class OneLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
    }
}
