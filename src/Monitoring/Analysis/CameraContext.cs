using Microsoft.Extensions.Logging;
using Monitoring.Capture;
using Monitoring.Configuration;

namespace Monitoring.Analysis;

/// <summary>What the analyser keeps per camera: its frame window and its normality profile (or the one being learned).</summary>
internal sealed class CameraContext
{
    private readonly AnomalyModel _model;
    private readonly string? _profilePath;
    private readonly ILogger _log;
    private ProfileBuilder? _learning;
    private readonly int _learnFrames;

    public CameraContext(CameraSource source, AnomalyModel model, MonitoringOptions options, ILogger log)
    {
        Source = source;
        _model = model;
        _log = log;
        Window = new FrameWindow(model.T, model.H, model.W);
        Smoother = model.CreateScoreSmoother();
        var cam = source.Options;
        _profilePath = string.IsNullOrWhiteSpace(cam.Profile) ? null : options.ResolvePath(cam.Profile);
        _learnFrames = cam.AutoLearnFrames;
        if (_profilePath is not null && File.Exists(_profilePath))
        {
            Profile = NormalityProfile.Load(_profilePath);
            Profile.EnsureMatches(model, _profilePath);
            log.LogInformation("Camera {Camera}: profile {Profile} ({Frames} frames learned); {Calibration}", cam.Id, Profile.Version, Profile.Frames,
                Profile.Calibration.Describe());
        }
        else if (_learnFrames > 0)
        {
            _learning = new ProfileBuilder(model);
            log.LogInformation("Camera {Camera}: no profile yet; learning the normal scene from the next {Frames} analysed frames",
                cam.Id, _learnFrames);
        }
        else
        {
            throw new ProfileException($"Camera '{cam.Id}': profile '{_profilePath}' does not exist; run `monitoring learn --camera {cam.Id}` or set autoLearnFrames.");
        }
    }

    public CameraSource Source { get; }
    public FrameWindow Window { get; }
    public ScoreSmoother Smoother { get; }
    public NormalityProfile? Profile { get; private set; }
    public bool Learning => Profile is null;
    public long AnalysedFrames { get; set; }
    /// <summary>Counts the camera's runs of consecutive frames (a start or reconnect begins a new one).</summary>
    private int _run;

    /// <summary>Feeds a learning camera's features; when enough frames are in, builds, saves and switches to the profile.</summary>
    public void Learn(ReadOnlySpan<float> features, bool restart)
    {
        if (_learning is null) return;
        if (restart) _run++;
        _learning.Add(features, _run);
        if (_learning.Count < _learnFrames) return;
        var profile = _learning.Build(Source.Id, _model, $"auto-learn from {Monitoring.Native.OpenCv.UriMasking.Mask(Source.Options.Url)}",
            Source.Options.FalseAlarmRate);
        if (_profilePath is not null)
        {
            profile.Save(_profilePath);
            _log.LogInformation("Camera {Camera}: learned profile {Profile} from {Frames} frames, saved to {Path}; {Calibration}", Source.Id, profile.Version,
                profile.Frames, _profilePath, profile.Calibration.Describe());
        }
        else
        {
            _log.LogInformation("Camera {Camera}: learned profile {Profile} from {Frames} frames (kept in memory: no profile path set); {Calibration}", Source.Id,
                profile.Version, profile.Frames, profile.Calibration.Describe());
        }
        if (!profile.Calibration.HeldOut)
            _log.LogWarning("Camera {Camera}: {Frames} learned frames are too few to derive its threshold from held-out footage; using {Threshold} " +
                "(set autoLearnFrames to {Needed} or more, or run `monitoring learn`)", Source.Id, profile.Frames, profile.Calibration.MapThreshold,
                ProfileCalibration.MinHeldOutFrames);
        Profile = profile;
        _learning = null;
    }
}
