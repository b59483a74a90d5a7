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
    /// <summary>While learning: the camera's motion is measured over its first frames, before any feature is learned.</summary>
    private MotionScale? _probe;

    public CameraContext(CameraSource source, AnomalyModel model, MonitoringOptions options, ILogger log)
    {
        Source = source;
        _model = model;
        _log = log;
        var cam = source.Options;
        _profilePath = string.IsNullOrWhiteSpace(cam.Profile) ? null : options.ResolvePath(cam.Profile);
        _learnFrames = cam.AutoLearnFrames;
        var existing = _profilePath is not null && File.Exists(_profilePath) ? NormalityProfile.Load(_profilePath) : null;
        if (existing is not null && _learnFrames > 0 && !existing.LearnedWith(model))
            existing = SetAside(cam.Id, _profilePath!, existing, model, log);   // then learned again below, like a missing profile
        if (existing is not null)
        {
            Profile = existing;
            Profile.EnsureMatches(model, _profilePath!);
            Window = model.CreateWindow(Profile.FrameStride);
            Smoother = model.CreateScoreSmoother(Profile.FrameStride);
            log.LogInformation("Camera {Camera}: profile {Profile} ({Frames} frames learned, frame stride {Stride}); {Calibration}", cam.Id, Profile.Version,
                Profile.Frames, Profile.FrameStride, Profile.Calibration.Describe());
        }
        else if (_learnFrames > 0)
        {
            Window = model.CreateWindow();
            Smoother = model.CreateScoreSmoother();
            if (_learnFrames >= ProfileCalibration.MinHeldOutFrames)
            {
                // Learning enough frames to calibrate: first measure the camera's motion to choose its frame stride.
                _probe = new MotionScale(model.W, model.H);
                log.LogInformation("Camera {Camera}: no profile yet; measuring its motion over the next {Probe} analysed frames, then learning the normal scene from {Frames}",
                    cam.Id, MotionScale.FramesPerSource, _learnFrames);
            }
            else
            {
                _learning = new ProfileBuilder(model, 1, $"motion: not measured (autoLearnFrames {_learnFrames} < {ProfileCalibration.MinHeldOutFrames}); frame stride 1");
                log.LogInformation("Camera {Camera}: no profile yet; learning the normal scene from the next {Frames} analysed frames", cam.Id, _learnFrames);
            }
        }
        else
        {
            throw new ProfileException($"Camera '{cam.Id}': profile '{_profilePath}' does not exist; run `monitoring learn --camera {cam.Id}` or set autoLearnFrames.");
        }
    }

    /// <summary>
    /// A camera that learns by itself (autoLearnFrames) and finds a profile learned with another model (after a model
    /// upgrade) learns again instead of refusing to start: the old profile is renamed, never deleted, to
    /// <see cref="NormalityProfile.SetAsidePath"/> (named after the model it was learned with), so a downgrade can put it
    /// back. Returns null: the camera has no profile now.
    /// </summary>
    private static NormalityProfile? SetAside(string cameraId, string path, NormalityProfile old, AnomalyModel model, ILogger log)
    {
        var kept = old.SetAsidePath(path);
        for (var i = 2; File.Exists(kept); i++)
            kept = old.SetAsidePath(path, i);
        File.Move(path, kept);
        log.LogWarning("Camera {Camera}: profile {Path} was learned with model {Old}, the configured model is {New}: kept it as {Kept} and learning the scene again (autoLearnFrames)",
            cameraId, path, old.ModelVersion, model.Version, kept);
        return null;
    }

    public CameraSource Source { get; }
    public FrameWindow Window { get; private set; } = null!;
    public ScoreSmoother Smoother { get; private set; } = null!;
    public NormalityProfile? Profile { get; private set; }
    public bool Learning => Profile is null;
    public long AnalysedFrames { get; set; }
    /// <summary>Counts the camera's runs of consecutive frames (a start or reconnect begins a new one).</summary>
    private int _run;

    /// <summary>
    /// Adds the camera's next frame to its window. While the camera's motion is being measured (the start of learning),
    /// the frame also goes to the measure; once enough pairs are in, the frame stride is chosen and the window and the
    /// score smoother start afresh at that stride.
    /// </summary>
    public void Push(ReadOnlySpan<byte> grey, int segment)
    {
        if (_probe is not null)
        {
            _probe.Add(grey, segment);
            if (_probe.Pairs >= MotionScale.PairsPerSource)
            {
                var (stride, motion) = _probe.Decide(_model.MotionReference);
                _probe = null;
                _learning = new ProfileBuilder(_model, stride, motion);
                Window = _model.CreateWindow(stride);
                Smoother = _model.CreateScoreSmoother(stride);
                _log.LogInformation("Camera {Camera}: {Motion}; learning the normal scene from the next {Frames} analysed frames", Source.Id, motion, _learnFrames);
            }
        }
        Window.Push(grey, segment);
    }

    /// <summary>Feeds a learning camera's features; when enough frames are in, builds, saves and switches to the profile.</summary>
    public void Learn(ReadOnlySpan<float> features, bool restart)
    {
        if (restart) _run++;
        if (_learning is null) return;
        _learning.Add(features, _run);
        if (_learning.Count < _learnFrames) return;
        var profile = _learning.Build(Source.Id, _model, $"auto-learn from {Monitoring.Native.OpenCv.UriMasking.Mask(Source.Options.Url)}",
            Source.Options.FalseAlarmRate);
        if (_profilePath is not null)
        {
            profile.Save(_profilePath);
            _log.LogInformation("Camera {Camera}: learned profile {Profile} from {Frames} frames at frame stride {Stride}, saved to {Path}; {Calibration}", Source.Id,
                profile.Version, profile.Frames, profile.FrameStride, _profilePath, profile.Calibration.Describe());
        }
        else
        {
            _log.LogInformation("Camera {Camera}: learned profile {Profile} from {Frames} frames at frame stride {Stride} (kept in memory: no profile path set); {Calibration}",
                Source.Id, profile.Version, profile.Frames, profile.FrameStride, profile.Calibration.Describe());
        }
        if (!profile.Calibration.HeldOut)
            _log.LogWarning("Camera {Camera}: {Frames} learned frames are too few to derive its threshold from held-out footage; using {Threshold} " +
                "(set autoLearnFrames to {Needed} or more, or run `monitoring learn`)", Source.Id, profile.Frames, profile.Calibration.MapThreshold,
                ProfileCalibration.MinHeldOutFrames);
        Profile = profile;
        _learning = null;
        // The learning frames' scores never reached the smoother (the analyser keeps them out); start it afresh all the same.
        Smoother = _model.CreateScoreSmoother(profile.FrameStride);
    }
}
