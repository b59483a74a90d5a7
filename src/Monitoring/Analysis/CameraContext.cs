using Microsoft.Extensions.Logging;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Tuning;

namespace Monitoring.Analysis;

/// <summary>What the analyser keeps per camera: its frame window and its normality profile (or the one being learned).</summary>
internal sealed class CameraContext : IDisposable
{
    private readonly AnomalyModel _model;
    private readonly string? _profilePath;
    private readonly ILogger _log;
    private ProfileBuilder? _learning;
    private readonly int _learnFrames;
    /// <summary>While learning: the camera's motion is measured over its first frames, before any feature is learned.</summary>
    private MotionScale? _probe;
    /// <summary>While learning enough frames to calibrate: the learning frames (grey, model size), one list per run.</summary>
    private List<List<byte[]>>? _kept;
    /// <summary>Whether the camera tunes its own predictor after its first profile (else it only learns how its starts read).</summary>
    private bool _tune;
    /// <summary>
    /// After the first profile, in the background: the camera's predictor being tuned and its profile learned again with it
    /// (decision 0021), or, without tuning, the profile's warm-up map learned from the kept frames (decision 0022).
    /// </summary>
    private Task<(NormalityProfile Profile, AnomalyModel Model)>? _tuning;
    private readonly CancellationTokenSource _stop = new();
    /// <summary>Frames pushed while the motion was measured whose features have not come back yet: not learned (their windows
    /// were at stride 1, before the stride was chosen).</summary>
    private int _probeFramesInFlight;

    public CameraContext(CameraSource source, AnomalyModel model, MonitoringOptions options, ILogger log)
    {
        Source = source;
        _model = model;
        _log = log;
        var cam = source.Options;
        _profilePath = string.IsNullOrWhiteSpace(cam.Profile) ? null : options.ResolvePath(cam.Profile);
        _learnFrames = cam.AutoLearnFrames;
        Model = model;
        var existing = _profilePath is not null && File.Exists(_profilePath) ? NormalityProfile.Load(_profilePath) : null;
        if (existing is not null && _learnFrames > 0 && !existing.LearnedWith(model))
            existing = SetAside(cam.Id, _profilePath!, existing, model, log);   // then learned again below, like a missing profile
        if (existing is not null)
        {
            Profile = existing;
            Profile.EnsureMatches(model, _profilePath!);
            Model = model.For(Profile, _profilePath!);
            Window = model.CreateWindow(Profile.FrameStride);
            Smoother = model.CreateScoreSmoother(Profile);
            log.LogInformation("Camera {Camera}: profile {Profile} ({Frames} frames learned, frame stride {Stride}, {Predictor}); {Calibration}", cam.Id, Profile.Version,
                Profile.Frames, Profile.FrameStride, Profile.Predictor is null ? "the model's own predictor" : $"its own predictor, model {Model.Version}",
                Profile.Calibration.Describe());
        }
        else if (_learnFrames > 0)
        {
            Window = model.CreateWindow();
            Smoother = model.CreateScoreSmoother();
            if (_learnFrames >= ProfileCalibration.MinHeldOutFrames)
            {
                _tune = CanTune(cam, model, log);
                _kept = [];
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
    /// <summary>The model this camera runs: the shared one, or a session with the camera's own predictor (its profile's).</summary>
    public AnomalyModel Model { get; private set; } = null!;
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
        var probing = _probe is not null;
        if (_probe is not null)
        {
            _probeFramesInFlight++;
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
        if (_kept is not null && _learning is not null && !probing)
        {
            if (_kept.Count == 0 || Window.FramesSinceStart == 1) _kept.Add([]);
            _kept[^1].Add(grey.ToArray());
        }
    }

    /// <summary>
    /// Whether this learning camera will tune its predictor: tuneSteps above 0 and a model with the predictor the tuner
    /// knows (else a warning says why not, and the camera runs the model's own).
    /// </summary>
    private static bool CanTune(CameraOptions cam, AnomalyModel model, ILogger log)
    {
        if (cam.TuneSteps <= 0) return false;
        try
        {
            _ = model.OwnPredictor;
            _ = PredictorTuner.TorchVersion();
            return true;
        }
        catch (Exception e) when (e is ModelContractException or Native.NativeLibraryMissingException)
        {
            log.LogWarning("Camera {Camera}: will not tune its predictor after learning ({Reason}); it runs the model's own (set tuneSteps 0 to silence this)",
                cam.Id, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Called by the analyser before it takes the camera's next frame: when the camera's own predictor has been tuned in
    /// the background, switches the camera to it and its profile (saved over the first one), or says why it stays on the
    /// model's own.
    /// </summary>
    public void Poll()
    {
        if (_tuning is not { IsCompleted: true } done) return;
        _tuning = null;
        if (done.IsCompletedSuccessfully)
        {
            var (profile, model) = done.Result;
            try
            {
                if (_profilePath is not null) profile.Save(_profilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogError("Camera {Camera}: could not save the profile with its own predictor to {Path} ({Error}); it runs with it until the daemon stops",
                    Source.Id, _profilePath, e.Message);
            }
            if (!ReferenceEquals(Model, _model) && !ReferenceEquals(Model, model)) Model.Dispose();
            Model = model;
            Profile = profile;
            Smoother = _model.CreateScoreSmoother(profile);
            var saved = _profilePath is null ? " (kept in memory)" : $" saved to {_profilePath}";
            if (profile.Predictor is null)
                _log.LogInformation("Camera {Camera}: stream starts now read on its real-past scale; profile {Profile}{Saved}; {Calibration}", Source.Id,
                    profile.Version, saved, profile.Calibration.Describe());
            else
                _log.LogInformation("Camera {Camera}: now runs its own predictor ({Tuning}); profile {Profile}{Saved}; {Calibration}", Source.Id, profile.Tuning,
                    profile.Version, saved, profile.Calibration.Describe());
        }
        else if (!done.IsCanceled)
        {
            _log.LogWarning(_tune
                ? "Camera {Camera}: tuning its predictor failed ({Error}); it keeps the model's own (profile {Profile})"
                : "Camera {Camera}: learning how its stream starts read failed ({Error}); it keeps its profile {Profile}", Source.Id,
                done.Exception?.GetBaseException().Message, Profile?.Version);
        }
    }

    /// <summary>
    /// Without tuning: the first profile again, with the warm-up map learned from the kept frames (the shared model, run from
    /// this background thread with its own batch; decision 0022).
    /// </summary>
    private (NormalityProfile, AnomalyModel) WarmUpInBackground(List<List<byte[]>> runs, ProfileBuilder builder, NormalityProfile first)
    {
        ProfileLearner.AddWarmUpWindows(_model, runs, first.FrameStride, Analyser.OwnModelBatch, builder, _stop.Token);
        return (builder.Build(Source.Id, _model, first.Source, Source.Options.FalseAlarmRate), _model);
    }

    /// <summary>Tunes the predictor on the learned frames (one thread, beside the live analysis), then learns the profile again with it.</summary>
    private (NormalityProfile, AnomalyModel) TuneInBackground(List<List<byte[]>> runs, NormalityProfile first, int steps)
    {
        var options = TuningOptions.Default with { Steps = steps, Threads = 1 };
        var (weights, tuning) = ProfileLearner.Tune(_model, runs, first.FrameStride, options, null, _stop.Token);
        var camera = _model.WithPredictor(weights);
        try
        {
            var builder = new ProfileBuilder(camera, first.FrameStride, first.Motion);
            new ClipRunner(camera, Analyser.OwnModelBatch) { Stride = first.FrameStride }.RunFrames(runs, null,
                (run, _, batch, slot, _) => builder.Add(batch.FeaturesOf(slot), run), null, _stop.Token);
            ProfileLearner.AddWarmUpWindows(camera, runs, first.FrameStride, Analyser.OwnModelBatch, builder, _stop.Token);
            var built = builder.Build(Source.Id, camera, first.Source, Source.Options.FalseAlarmRate);
            return (built.WithPredictor(weights.Flatten(), tuning, camera.Version), camera);
        }
        catch
        {
            camera.Dispose();
            throw;
        }
    }

    /// <summary>Feeds a learning camera's features; when enough frames are in, builds, saves and switches to the profile.</summary>
    public void Learn(ReadOnlySpan<float> features, bool restart)
    {
        if (restart) _run++;
        if (_probeFramesInFlight > 0)
        {
            _probeFramesInFlight--;
            return;
        }
        if (_learning is null) return;
        _learning.Add(features, _run);
        if (_learning.Count < _learnFrames) return;
        var learned = _learning;
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
        if (_kept is { Count: > 0 } runs)
        {
            // Frames of the same batch pushed after the last learned one were kept too: tune on the learned frames only.
            var extra = runs.Sum(r => r.Count) - (int)profile.Frames;
            while (extra > 0 && runs.Count > 0)
            {
                var last = runs[^1];
                var cut = Math.Min(extra, last.Count);
                last.RemoveRange(last.Count - cut, cut);
                extra -= cut;
                if (last.Count == 0) runs.RemoveAt(runs.Count - 1);
            }
            var steps = Source.Options.TuneSteps;
            if (_tune)
            {
                _log.LogInformation("Camera {Camera}: alerting with the model's own predictor while its own is tuned on the {Frames} learned frames ({Steps} steps, in the background)",
                    Source.Id, profile.Frames, steps);
                _tuning = Task.Run(() => TuneInBackground(runs, profile, steps), _stop.Token);
            }
            else
            {
                _tuning = Task.Run(() => WarmUpInBackground(runs, learned, profile), _stop.Token);
            }
        }
        _kept = null;
        // The learning frames' scores never reached the smoother (the analyser keeps them out); start it afresh all the same.
        Smoother = _model.CreateScoreSmoother(profile);
    }

    /// <summary>Releases the camera's own model session (the shared model is the analyser's).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        if (_tuning is { } tuning)
        {
            // A stop is seen within a training step; a model made meanwhile is released here.
            try { tuning.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
            if (tuning.IsCompletedSuccessfully && !ReferenceEquals(tuning.Result.Model, _model)) tuning.Result.Model.Dispose();
        }
        if (!ReferenceEquals(Model, _model)) Model.Dispose();
        _stop.Dispose();
    }
}
