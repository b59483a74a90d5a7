using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Capture;
using Monitoring.Configuration;
using Monitoring.Inference;
using Monitoring.Native.OpenCv;

namespace Monitoring.Cli;

/// <summary>
/// <c>monitoring learn --config FILE --camera ID [--source PATH|URL]… [--seconds S] [--out FILE] [--false-alarm-rate R]</c>:
/// reads normal footage of one camera (its configured URL, or the given files / image-sequence folders / RTSP URL for
/// S seconds) and writes the camera's normality profile with its calibration (feature scale, the region threshold for
/// R alerting frames per normal frame, default the camera's falseAlarmRate) and its frame stride (chosen from the footage's
/// motion first, or --frame-stride K), tied to the configured model's hash.
/// </summary>
public static class LearnCommand
{
    /// <summary>The command line, as <see cref="Commands"/> parsed it.</summary>
    /// <param name="Seconds">0: read the sources to their end.</param>
    /// <param name="Batch">0: the config's model.maxBatchSize.</param>
    /// <param name="FalseAlarmRate">0: the camera's falseAlarmRate.</param>
    /// <param name="FrameStride">0: chosen from the footage's motion (decision 0017).</param>
    public sealed record Arguments(string ConfigPath, string CameraId, IReadOnlyList<string> Sources, double Seconds, string? OutPath, int Batch,
        double FalseAlarmRate, int FrameStride = 0, int TuneSteps = -1);

    public static int Run(Arguments a, ILoggerFactory logs)
    {
        var (configPath, cameraId, sources, seconds, outPath, batch, rate, frameStride, tuneSteps) = a;
        Commands.CheckFrameStride(frameStride);
        var tuning = Commands.Tuning(tuneSteps);
        var options = ConfigLoader.Load(configPath);
        var camera = options.Cameras.FirstOrDefault(c => c.Id == cameraId)
            ?? throw new UsageException($"camera '{cameraId}' is not in {configPath} (cameras: {string.Join(", ", options.Cameras.Select(c => c.Id))})");
        if (rate == 0) rate = camera.FalseAlarmRate;
        if (tuneSteps < 0) tuning = tuning with { Steps = camera.TuneSteps };
        else if (!(rate is > 0 and <= 0.5))
            throw new UsageException($"--false-alarm-rate {rate} is out of range: use a share of normal frames in (0, 0.5], e.g. 0.001");
        var profilePath = outPath ?? (camera.Profile is null ? null : options.ResolvePath(camera.Profile))
            ?? throw new UsageException($"camera '{cameraId}' has no \"profile\" path in {configPath}; set one or pass --out FILE");
        var uris = (sources.Count > 0 ? sources : [camera.Url]).SelectMany(s => SourceDiscovery.Expand(s)).Select(s => s.Uri).ToList();

        var log = logs.CreateLogger("learn");
        using var model = AnomalyModel.Load(options.ResolvePath(options.Model.Path),
            new OnnxSessionOptions(ExecutionProviders.Parse(options.Model.Provider), options.Model.IntraOpThreads, CudaDeviceId: options.Model.CudaDeviceId), log);
        using var stop = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
        var learner = new ProfileLearner(model, batch > 0 ? batch : options.Model.MaxBatchSize, camera.AnalysisFps, camera.Fps)
        {
            FrameStride = frameStride, Tuning = tuning, FalseAlarmRate = rate,
        };
        var result = ConsoleProgress.Run(report => learner.Learn(uris, cameraId, string.Join(", ", uris.Select(UriMasking.Mask)),
            (phase, n, total) => report($"{phase} {cameraId}", n, total), readUntil: stop.Token));
        var profile = result.Profile;
        try
        {
            profile.Save(profilePath);
        }
        finally
        {
            if (!ReferenceEquals(result.Model, model)) result.Model.Dispose();
        }
        Console.WriteLine($"learned {cameraId}: {profile.Frames} frames in {result.Seconds:0.0} s -> {profilePath} (profile {profile.Version}, model {result.Model.Version})");
        Console.WriteLine($"calibration {cameraId}: {profile.Calibration.Describe()}");
        Console.WriteLine($"frame stride {cameraId}: {profile.FrameStride} ({result.Motion})");
        Console.WriteLine($"predictor {cameraId}: {profile.Tuning ?? "the model's own (--tune-steps 0)"}");
        if (result.Truncated)
            Console.Error.WriteLine($"monitoring learn: learned the first {learner.MaxFrames} analysed frames of the live source; use a shorter --seconds for all of it to count");
        if (!profile.Calibration.HeldOut)
            Console.Error.WriteLine($"monitoring learn: only {profile.Frames} frames learned; a threshold derived from held-out footage needs " +
                                    $"{ProfileCalibration.MinHeldOutFrames} or more (longer --seconds or more --source footage)");
        return 0;
    }
}
