using System.Numerics;
using Monitoring.Configuration;
using Monitoring.Regions;

namespace Monitoring.Events;

/// <summary>
/// Turns one camera's region observations into event messages (new / update / end). Rules (docs/alerts.md):
/// <list type="bullet">
/// <item>Regions continue tracks by box IoU ≥ <see cref="EventOptions.IouThreshold"/>, matched greedily (highest IoU
/// pair first, each track and region used once). An unmatched region starts a candidate track.</item>
/// <item>A candidate is confirmed when matched in k of the last n analysed frames; it is forgotten when it has no match
/// in the last n frames.</item>
/// <item>A confirmed track joins the open event of its zone (same camera) if there is one; otherwise the most recently
/// ended event of that zone whose cooldown has not expired is re-opened ("update" with reopened=true, same id,
/// sequence continues); otherwise a new event starts ("new"). Regions outside every zone share the camera-wide key.</item>
/// <item>While open, an "update" is sent when a track joined, when the frame's peak exceeds the last sent peak by
/// <see cref="EventOptions.UpdatePeakRise"/>, or when <see cref="EventOptions.UpdateIntervalSeconds"/> of capture time
/// passed since the last message, and only on frames where the event has a region. Join and peak-rise updates wait
/// until <see cref="EventOptions.MinUpdateGapSeconds"/> have passed since the last message (a busy scene is not a flood).</item>
/// <item>A confirmed track is dropped after m consecutive unmatched frames; the event ends ("end") when its last track is
/// dropped and no track has joined it for <see cref="EventOptions.EndGraceSeconds"/> (a track confirmed in the zone
/// meanwhile joins the still-open event). The end carries the drop time; the cooldown runs until that time +
/// <see cref="EventOptions.CooldownSeconds"/>.</item>
/// <item><see cref="EndAll"/> (shutdown) and <see cref="EndStale"/> (the camera stopped delivering frames, decided by
/// the caller on its wall clock) end every open event at once, those waiting out the grace included, and forget every
/// track: tracking starts afresh with the next frame. The ended events cool down as after a normal end.</item>
/// </list>
/// One instance per camera; not thread-safe.
/// </summary>
public sealed class EventTracker
{
    private readonly string _camera;
    private readonly EventOptions _options;
    private readonly Func<DateTimeOffset, string> _newId;
    private readonly uint _windowMask;
    private readonly List<Track> _tracks = [];
    private readonly List<TrackedEvent> _open = [];
    private readonly List<TrackedEvent> _cooling = [];
    private readonly List<(double Iou, int Track, int Region)> _pairs = [];
    private bool[] _trackTaken = [];
    private bool[] _regionTaken = [];

    public EventTracker(string camera, EventOptions options, string modelVersion, string profileVersion, Func<DateTimeOffset, string>? newId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(camera);
        ArgumentNullException.ThrowIfNull(options);
        _camera = camera;
        _options = options;
        ModelVersion = modelVersion;
        ProfileVersion = profileVersion;
        _newId = newId ?? EventIds.NewId;
        _windowMask = options.WindowFrames == 32 ? uint.MaxValue : (1u << options.WindowFrames) - 1;
    }

    /// <summary>Stamped on every message; settable so a reloaded model or profile shows from the next message on.</summary>
    public string ModelVersion { get; set; }
    public string ProfileVersion { get; set; }

    /// <summary>Number of open events, those waiting out the end grace included (for health/metrics).</summary>
    public int OpenEvents => _open.Count;

    /// <summary>Capture time of the last frame observed (null before the first).</summary>
    public DateTimeOffset? LastFrameAt { get; private set; }
    /// <summary>Index of the last frame observed (-1 before the first).</summary>
    public long LastFrameIndex { get; private set; } = -1;

    /// <summary>
    /// Feeds one analysed frame (with or without regions) and returns the messages it causes, in order: matching, ageing,
    /// confirmation, then each open event's end (after its grace) or message (new, or an update when due).
    /// </summary>
    public IReadOnlyList<AlertMessage> Observe(RegionObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var frame = observation.Frame;
        if (!string.Equals(frame.CameraId, _camera, StringComparison.Ordinal))
            throw new ArgumentException($"This tracker is for camera '{_camera}', got a frame of '{frame.CameraId}'.", nameof(observation));
        var now = frame.Timestamp;
        LastFrameAt = now;
        LastFrameIndex = frame.FrameIndex;
        Match(observation.Regions);
        Age(observation.Regions, now);
        ConfirmAndDrop(now);
        var messages = Report(frame);
        _cooling.RemoveAll(ev => ev.CooldownUntil < now);
        return messages is null ? Array.Empty<AlertMessage>() : messages;
    }

    /// <summary>
    /// Ageing, after <see cref="Match"/>: a track without a region in this frame shifts a miss into its window and counts a
    /// quiet frame; a region without a track starts a candidate track.
    /// </summary>
    private void Age(IReadOnlyList<Region> regions, DateTimeOffset now)
    {
        for (int t = 0; t < _tracks.Count; t++)
        {
            var track = _tracks[t];
            if (_trackTaken[t]) continue;
            track.Hits = (track.Hits << 1) & _windowMask;
            track.Current = null;
            track.QuietFrames++;
        }
        for (int r = 0; r < regions.Count; r++)
        {
            if (!_regionTaken[r]) _tracks.Add(new Track(regions[r], now));
        }
    }

    /// <summary>
    /// Confirmation: a candidate matched in k of the last n frames, this one included, is confirmed (<see cref="Confirm"/>);
    /// one without a match in n frames is forgotten. A confirmed track quiet for m frames is dropped from its event.
    /// </summary>
    private void ConfirmAndDrop(DateTimeOffset now)
    {
        _joined.Clear();
        _confirmed.Clear();
        for (int t = 0; t < _tracks.Count; t++)
        {
            var track = _tracks[t];
            if (track.Owner is null)
            {
                if (track.Hits == 0) { _tracks.RemoveAt(t--); continue; }
                if (BitOperations.PopCount(track.Hits) < _options.ConfirmFrames || track.Current is null) continue;
                Confirm(track, now);
            }
            else if (track.QuietFrames >= _options.EndAfterQuietFrames)
            {
                track.Owner.Tracks.Remove(track);
                _tracks.RemoveAt(t--);
            }
        }
    }

    /// <summary>
    /// What each open event says about this frame: one without tracks ends once its grace is over (<see cref="GraceOver"/>);
    /// one with a region in this frame is announced when confirmed in it ("new", or "update" when re-opened), else
    /// updated when an update is due (<see cref="UpdateDue"/>). Null when nothing is said.
    /// </summary>
    private List<AlertMessage>? Report(FrameAnalysis frame)
    {
        var now = frame.Timestamp;
        List<AlertMessage>? messages = null;
        for (int e = 0; e < _open.Count; e++)
        {
            var ev = _open[e];
            if (ev.Tracks.Count == 0)
            {
                if (!GraceOver(ev, now)) continue;
                (messages ??= []).Add(End(ev, frame, EndReason.Quiet));
                _open.RemoveAt(e--);
                _cooling.Add(ev);
                continue;
            }
            ev.QuietSince = null;
            var current = CurrentRegions(ev);
            if (current.Count == 0) continue;
            ev.LastSeenAt = now;
            float peak = current.Max(r => r.Peak);
            ev.MaxPeak = Math.Max(ev.MaxPeak, peak);
            if (_confirmed.TryGetValue(ev, out bool reopened))
                (messages ??= []).Add(Message(ev, reopened ? AlertLifecycle.Update : AlertLifecycle.New, frame, current, reopened, ended: null));
            else if (UpdateDue(ev, now, peak))
                (messages ??= []).Add(Message(ev, AlertLifecycle.Update, frame, current, reopened: false, ended: null));
        }
        return messages;
    }

    /// <summary>
    /// Grace: the end of an event whose last track was dropped waits <see cref="EventOptions.EndGraceSeconds"/> from the
    /// drop (a region confirmed in its zone meanwhile joins it instead). If capture time went backwards (a file
    /// restarting), the grace restarts rather than waiting for it.
    /// </summary>
    private bool GraceOver(TrackedEvent ev, DateTimeOffset now)
    {
        if (ev.QuietSince is not { } since || since > now) ev.QuietSince = now;
        return (now - ev.QuietSince.Value).TotalSeconds >= _options.EndGraceSeconds;
    }

    /// <summary>
    /// Update scheduling: every <see cref="EventOptions.UpdateIntervalSeconds"/>; sooner, but not within
    /// <see cref="EventOptions.MinUpdateGapSeconds"/> of the last message, when a track joined in this frame or the peak
    /// rose by <see cref="EventOptions.UpdatePeakRise"/> over the last one sent.
    /// </summary>
    private bool UpdateDue(TrackedEvent ev, DateTimeOffset now, float peak)
    {
        var sinceLast = (now - ev.LastSentAt).TotalSeconds;
        return sinceLast >= _options.UpdateIntervalSeconds
            || (sinceLast >= _options.MinUpdateGapSeconds
                && (_joined.Contains(ev) || peak >= ev.LastSentPeak + _options.UpdatePeakRise));
    }

    private readonly HashSet<TrackedEvent> _joined = [];
    /// <summary>Events confirmed in the current frame; value: re-opened (true) or new (false).</summary>
    private readonly Dictionary<TrackedEvent, bool> _confirmed = [];

    /// <summary>
    /// Ends every open event (shutdown, camera removed), those waiting out the grace with their drop time, the others
    /// at <paramref name="now"/>; forgets every track. Returns their "end" messages (occurredAt = <paramref name="now"/>).
    /// </summary>
    public IReadOnlyList<AlertMessage> EndAll(DateTimeOffset now, long frameIndex = -1, EndReason reason = EndReason.Shutdown)
    {
        var frame = new FrameAnalysis(_camera, frameIndex, now, 0f, [], 0, 0, 0, 0);
        var messages = new List<AlertMessage>();
        foreach (var ev in _open)
        {
            messages.Add(End(ev, frame, reason));
            _cooling.Add(ev);
        }
        _open.Clear();
        _tracks.Clear();
        return messages;
    }

    /// <summary>
    /// The camera stopped delivering frames: ends every open event as <see cref="EndAll"/> does, with reason "stale"
    /// and the last observed frame as "now" — an event still holding tracks ends at that frame's capture time (it was
    /// last seen then), one waiting out its grace at its drop time. Tracking starts afresh with the next frame; a
    /// region confirmed again re-opens an ended event within its cooldown or starts a new one, as after any end.
    /// Returns nothing when no frame was observed or no event is open.
    /// </summary>
    public IReadOnlyList<AlertMessage> EndStale() =>
        LastFrameAt is { } last && _open.Count > 0 ? EndAll(last, LastFrameIndex, EndReason.Stale) : Array.Empty<AlertMessage>();

    /// <summary>The "end" message: ended when its last track was dropped (or now, if it still had tracks).</summary>
    private AlertMessage End(TrackedEvent ev, FrameAnalysis frame, EndReason reason)
    {
        var ended = ev.QuietSince ?? frame.Timestamp;
        ev.QuietSince = null;
        ev.CooldownUntil = ended + TimeSpan.FromSeconds(_options.CooldownSeconds);
        return Message(ev, AlertLifecycle.End, frame, [], reopened: false, ended: ended, reason);
    }

    private void Confirm(Track track, DateTimeOffset now)
    {
        string? zone = track.Current!.Zone;
        var open = _open.FirstOrDefault(e => e.ZoneKey == zone);
        if (open is not null)
        {
            Attach(open, track);
            _joined.Add(open);
            return;
        }
        TrackedEvent? cooled = null;
        foreach (var ev in _cooling)
        {
            if (ev.ZoneKey == zone && ev.CooldownUntil >= now && (cooled is null || ev.CooldownUntil > cooled.CooldownUntil)) cooled = ev;
        }
        var target = cooled ?? new TrackedEvent(_newId(track.FirstSeen), zone, track.FirstSeen);
        if (cooled is not null) _cooling.Remove(cooled);
        _open.Add(target);
        Attach(target, track);
        _confirmed[target] = cooled is not null;
    }

    private static void Attach(TrackedEvent ev, Track track)
    {
        track.Owner = ev;
        track.QuietFrames = 0;
        ev.Tracks.Add(track);
    }

    private static List<Region> CurrentRegions(TrackedEvent ev)
    {
        var list = new List<Region>(ev.Tracks.Count);
        foreach (var t in ev.Tracks) if (t.Current is not null) list.Add(t.Current);
        return list;
    }

    /// <summary>
    /// Matching: region-track pairs with box IoU ≥ <see cref="EventOptions.IouThreshold"/>, taken greedily (highest IoU
    /// first, each track and region once); a matched track shifts a hit into its window and moves to its region.
    /// </summary>
    private void Match(IReadOnlyList<Region> regions)
    {
        if (_trackTaken.Length < _tracks.Count) _trackTaken = new bool[Math.Max(_tracks.Count, 2 * _trackTaken.Length)];
        if (_regionTaken.Length < regions.Count) _regionTaken = new bool[Math.Max(regions.Count, 2 * _regionTaken.Length)];
        Array.Clear(_trackTaken);
        Array.Clear(_regionTaken);
        _pairs.Clear();
        for (int t = 0; t < _tracks.Count; t++)
        {
            for (int r = 0; r < regions.Count; r++)
            {
                double iou = _tracks[t].Box.IoU(regions[r].Box);
                if (iou >= _options.IouThreshold) _pairs.Add((iou, t, r));
            }
        }
        _pairs.Sort((a, b) => b.Iou.CompareTo(a.Iou));
        foreach (var (_, t, r) in _pairs)
        {
            if (_trackTaken[t] || _regionTaken[r]) continue;
            _trackTaken[t] = _regionTaken[r] = true;
            var track = _tracks[t];
            track.Hits = ((track.Hits << 1) | 1) & _windowMask;
            track.Box = regions[r].Box;
            track.Current = regions[r];
            track.QuietFrames = 0;
        }
    }

    private AlertMessage Message(TrackedEvent ev, AlertLifecycle type, FrameAnalysis frame, IReadOnlyList<Region> regions, bool reopened,
        DateTimeOffset? ended, EndReason? endReason = null)
    {
        ev.Sequence++;
        ev.LastSentAt = frame.Timestamp;
        if (regions.Count > 0) ev.LastSentPeak = regions.Max(r => r.Peak);
        var zones = new List<string>();
        if (ev.ZoneKey is not null) zones.Add(ev.ZoneKey);
        foreach (var r in regions) if (r.Zone is not null && !zones.Contains(r.Zone)) zones.Add(r.Zone);
        return new AlertMessage
        {
            Id = $"{ev.Id}.{ev.Sequence}",
            Type = type,
            EventId = ev.Id,
            Sequence = ev.Sequence,
            Camera = _camera,
            Zones = zones,
            StartedAt = ev.StartedAt,
            LastSeenAt = ev.LastSeenAt,
            EndedAt = ended,
            EndReason = endReason,
            CooldownUntil = type == AlertLifecycle.End ? ev.CooldownUntil : null,
            Reopened = reopened,
            OccurredAt = frame.Timestamp,
            FrameIndex = frame.FrameIndex,
            FrameScore = frame.FrameScore,
            FrameTailProbability = frame.FrameTailProbability,
            MaxPeak = ev.MaxPeak,
            Regions = regions,
            ModelVersion = ModelVersion,
            ProfileVersion = ProfileVersion,
        };
    }
}
