using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Events;
using Monitoring.Native.OpenCv;
using Monitoring.Observability;
using Monitoring.Regions;

namespace Monitoring.Web;

public sealed record ShapeDto(string? Name, IReadOnlyList<PolygonPoint> Points);
public sealed record RegionDto(PixelBox Box, float Peak, string? Zone);
public sealed record OpenEventDto(string EventId, DateTimeOffset StartedAt, IReadOnlyList<string> Zones, float MaxPeak);

/// <summary>One camera on the grid (sent every second on the event stream).</summary>
public sealed record CameraStatus(
    string Id, string State, string Source, double DecodedFps, double AnalysedFps, double DroppedFps,
    long FramesDecoded, long FramesAnalysed, long FramesDropped, long Reconnects, double? SecondsSinceFrame,
    float Score, float Peak, float? Threshold, bool Learning, string ProfileVersion, long LearningFrames, int Width, int Height,
    IReadOnlyList<ShapeDto> Zones, IReadOnlyList<ShapeDto> Masks, IReadOnlyList<RegionDto> Regions,
    IReadOnlyList<OpenEventDto> OpenEvents, int Viewers, long FramesRendered, string? Error);

/// <summary>The camera page's learn status and profile.</summary>
public sealed record ProfileDto(
    string ModelVersion, string ProfileVersion, bool Learning, long FramesLearnedThisRun, int AutoLearnFrames, bool ProfileFileExists,
    long? ProfileFrames, float? DerivedThreshold, double? FalseAlarmRate, DateTimeOffset? CreatedUtc, string? ProfileModelVersion, string? ProfileSource);

/// <summary>What the pages show of the daemon: camera states from <see cref="DaemonStatus"/>, the rest from <see cref="DashboardFeed"/>.</summary>
public sealed class DashboardModel(MonitoringOptions options, DaemonStatus status, DashboardFeed feed)
{
    private readonly object _profileGate = new();
    private readonly Dictionary<string, (DateTime Written, NormalityProfile Profile)> _profiles = new(StringComparer.Ordinal);

    public IReadOnlyList<CameraOptions> Cameras => options.Cameras.Where(c => c.Enabled).ToList();

    public CameraOptions? Find(string id) => Cameras.FirstOrDefault(c => c.Id == id);

    public IReadOnlyList<CameraStatus> Statuses() => Cameras.Select(Status).ToList();

    public CameraStatus Status(CameraOptions camera)
    {
        var source = status.Sources.FirstOrDefault(s => s.Id == camera.Id);
        var view = feed.Camera(camera.Id);
        var time = feed.Time;
        var (decodedFps, analysedFps, droppedFps) = view.Rates(source?.FramesDecoded ?? 0, source?.FramesDropped ?? 0, time.GetTimestamp(), time.TimestampFrequency);
        var regions = options.Alerts.RegionsFor(camera.Id);
        var threshold = view.Learning ? (float?)null : regions.Threshold ?? view.ProfileThreshold ?? (view.Analysed > 0 ? RegionOptions.DefaultThreshold : null);
        var seconds = source is null || source.FramesDecoded == 0 ? (double?)null : Math.Round(source.SecondsSinceLastFrame, 1);
        return new CameraStatus(camera.Id, StateOf(source, view, seconds), UriMasking.Mask(camera.Url),
            Math.Round(decodedFps, 1), Math.Round(analysedFps, 1), Math.Round(droppedFps, 1),
            source?.FramesDecoded ?? 0, view.Analysed, source?.FramesDropped ?? 0, source?.Reconnects ?? 0, seconds,
            view.Score, view.Peak, threshold, view.Learning, view.ProfileVersion, view.LearningFrames, view.SourceWidth, view.SourceHeight,
            regions.Zones.Select(z => new ShapeDto(z.Name, z.Points)).ToList(),
            regions.Masks.Select(m => new ShapeDto(m.Name, m.Points)).ToList(),
            view.Regions.Select(r => new RegionDto(r.Box, r.Peak, r.Zone)).ToList(),
            view.OpenEvents.Select(m => new OpenEventDto(m.EventId, m.StartedAt, m.Zones, m.MaxPeak)).ToList(),
            view.Viewers(time.GetTimestamp()), view.Rendered, view.RenderError ?? feed.ObserveError);
    }

    /// <summary>streaming / learning / stalled / connecting / reconnecting / ended / stopped / starting (before the pipeline runs).</summary>
    private string StateOf(CameraSource? source, CameraView view, double? secondsSinceFrame)
    {
        if (source is null) return "starting";
        return source.State switch
        {
            CameraState.Streaming when source.Kind.IsLive() && secondsSinceFrame > options.Capture.WatchdogSeconds => "stalled",
            CameraState.Streaming when view.Learning => "learning",
            var s => s.ToString().ToLowerInvariant(),
        };
    }

    public ProfileDto Profile(CameraOptions camera)
    {
        var view = feed.Camera(camera.Id);
        var profile = LoadProfile(camera);
        return new ProfileDto(status.ModelVersion, view.ProfileVersion, view.Learning, view.LearningFrames, camera.AutoLearnFrames,
            profile is not null, profile?.Frames, profile?.Calibration.MapThreshold, profile?.Calibration.TargetFalseAlarmRate,
            profile?.CreatedUtc, profile?.ModelVersion, profile is null ? null : UriMasking.Mask(profile.Source));
    }

    /// <summary>The camera's profile file, re-read when it changes (null when there is none yet or it is unreadable).</summary>
    private NormalityProfile? LoadProfile(CameraOptions camera)
    {
        if (string.IsNullOrWhiteSpace(camera.Profile)) return null;
        var path = options.ResolvePath(camera.Profile);
        if (!File.Exists(path)) return null;
        var written = File.GetLastWriteTimeUtc(path);
        lock (_profileGate)
        {
            if (_profiles.TryGetValue(camera.Id, out var cached) && cached.Written == written) return cached.Profile;
        }
        try
        {
            var profile = NormalityProfile.Load(path);
            lock (_profileGate) _profiles[camera.Id] = (written, profile);
            return profile;
        }
        catch (Exception e) when (e is IOException or ProfileException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
