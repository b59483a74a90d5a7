using System.Diagnostics;
using System.Globalization;
using Monitoring.Configuration;
using Monitoring.Tuning;

namespace Monitoring.Analysis;

/// <summary>
/// Learns a camera's normal from footage, as <c>learn</c> and <c>eval</c> do: chooses the frame stride from the footage's
/// motion, reads the analysed frames, fine-tunes the model's predictor on them (<see cref="PredictorTuner"/>, decision
/// 0021; skipped with <see cref="TuningOptions.Steps"/> 0), then computes their features with the camera's predictor and
/// builds the profile and its calibration.
/// </summary>
public sealed class ProfileLearner(AnomalyModel model, int batchSize, double analysisFps = 0, double sourceFps = 0)
{
    /// <summary>
    /// Analysed frames kept in memory for tuning and learning (≈ 24 KB each at the committed model's 192×128). Recorded
    /// footage beyond it is read a second time for the profile's statistics; a live source is learned from these only.
    /// </summary>
    public int MaxFrames { get; init; } = ProfileBuilder.MaxCalibrationFrames;

    /// <summary>The frame stride to learn at; 0 = chosen from the footage's motion (decision 0017).</summary>
    public int FrameStride { get; init; }
    public TuningOptions Tuning { get; init; } = TuningOptions.Default;
    public double FalseAlarmRate { get; init; } = CameraOptions.DefaultFalseAlarmRate;

    /// <summary>What learning made: the profile, and the model the camera runs with it (<see cref="Model"/> is the
    /// learner's own model when nothing was tuned; otherwise the caller disposes it). <see cref="Truncated"/>: a live source
    /// was learned from its first <see cref="MaxFrames"/> frames only (recorded footage is read again in full).</summary>
    public sealed record Result(NormalityProfile Profile, AnomalyModel Model, double Seconds, bool Truncated, string Motion);

    /// <summary>
    /// Learns <paramref name="uris"/> for camera <paramref name="cameraId"/>. <paramref name="readUntil"/> ends the reading of the
    /// footage (a live source learned for some seconds); <paramref name="cancellation"/> stops everything.
    /// <paramref name="progress"/> gets (phase: "read", "tune", "learn"; done; expected, 0 when unknown).
    /// </summary>
    public Result Learn(IReadOnlyList<string> uris, string cameraId, string source, Action<string, long, long>? progress = null,
        CancellationToken readUntil = default, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var (stride, motion) = new ClipRunner(model, batchSize, analysisFps, sourceFps).ChooseStride(uris, FrameStride, cancellation);
        var reader = new ClipRunner(model, batchSize, analysisFps, sourceFps);
        clock.Stop();
        var expected = progress is null ? 0 : Math.Min(MaxFrames, reader.ExpectedFrames(uris)); // probing is not learning
        clock.Start();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(readUntil, cancellation);
        var runs = reader.Collect(uris, MaxFrames, out var truncated, n => progress?.Invoke("read", n, expected), both.Token);
        cancellation.ThrowIfCancellationRequested();
        var frames = runs.Sum(r => (long)r.Count);
        if (frames == 0) throw new ProfileException($"No frame was read for camera '{cameraId}' from {source}; nothing to learn from.");

        var camera = model;
        float[]? predictor = null;
        string? tuning = null;
        try
        {
            if (Tuning.Steps > 0)
            {
                var (weights, description) = Tune(model, runs, stride, Tuning, step => progress?.Invoke("tune", step + 1, Tuning.Steps), cancellation);
                predictor = weights.Flatten();
                tuning = description;
                camera = model.WithPredictor(weights);
            }
            var builder = new ProfileBuilder(camera, stride, motion);
            if (truncated && !readUntil.CanBeCanceled)
            {
                // Recorded footage longer than what is kept in memory: tuned on its first MaxFrames frames, learned from all
                // of it, read a second time.
                var all = new ClipRunner(camera, batchSize, analysisFps, sourceFps) { Stride = stride };
                var total = progress is null ? 0 : all.ExpectedFrames(uris);
                all.Run(uris, null, (clip, _, batch, slot, _) => builder.Add(batch.FeaturesOf(slot), clip), n => progress?.Invoke("learn", n, total), cancellation);
                truncated = false;
            }
            else
            {
                new ClipRunner(camera, batchSize) { Stride = stride }.RunFrames(runs, null,
                    (run, _, batch, slot, _) => builder.Add(batch.FeaturesOf(slot), run), n => progress?.Invoke("learn", n, frames), cancellation);
            }
            AddWarmUpWindows(camera, runs, stride, batchSize, builder, cancellation);
            var built = builder.Build(cameraId, camera, source, FalseAlarmRate);
            var profile = predictor is null ? built : built.WithPredictor(predictor, tuning!, camera.Version);
            return new Result(profile, camera, clock.Elapsed.TotalSeconds, truncated, motion);
        }
        catch
        {
            if (!ReferenceEquals(camera, model)) camera.Dispose();
            throw;
        }
    }

    /// <summary>Synthesised warm-up windows in all (<see cref="AddWarmUpWindows"/>): ≈ 10 s of the committed model on 2 cores.</summary>
    public const int WarmUpWindowBudget = 1_600;

    /// <summary>
    /// Synthesises, from the learned <paramref name="runs"/>, windows as a stream start leaves them — the frames since the
    /// start, the missing past padded with the first — for every position of the warm-up ((T − 1)·stride frames), and adds
    /// their features to <paramref name="builder"/>'s warm-up map (decision 0022). Each position gets the same number of
    /// windows (≈ <see cref="WarmUpWindowBudget"/> in all, 32 to 256 each), ending at frames spread evenly over the footage.
    /// </summary>
    public static void AddWarmUpWindows(AnomalyModel model, IReadOnlyList<IReadOnlyList<byte[]>> runs, int stride, int batchSize,
        ProfileBuilder builder, CancellationToken cancellation = default)
    {
        var span = (model.T - 1) * stride + 1;
        var positions = span - 1;
        // Anchors: frames with enough of their run before them for every position.
        var anchors = new List<(int Run, int Frame)>();
        for (var r = 0; r < runs.Count; r++)
            for (var i = positions; i < runs[r].Count; i++) anchors.Add((r, i));
        if (positions == 0 || anchors.Count == 0) return;
        var each = Math.Min(anchors.Count, Math.Clamp(WarmUpWindowBudget / positions, ProfileBuilder.MinWarmUpSamples, 256));
        var window = model.CreateWindow(stride);
        using var batch = model.CreateBatch(Math.Max(1, batchSize));
        var pending = new List<(int Position, int Run, int Frame)>(batch.Capacity);
        void Flush()
        {
            if (batch.Count == 0) return;
            model.Run(batch);
            for (var slot = 0; slot < pending.Count; slot++)
            {
                var (position, run, frame) = pending[slot];
                builder.AddWarmUp(position, batch.FeaturesOf(slot), run, frame);
            }
            batch.Clear();
            pending.Clear();
        }
        for (var p = 1; p <= positions; p++)
        {
            // Evenly spread, each position offset from the others so that they do not all end at the same frames.
            var offset = (long)(p - 1) * anchors.Count / ((long)each * positions);
            for (var j = 0; j < each; j++)
            {
                cancellation.ThrowIfCancellationRequested();
                var (run, frame) = anchors[(int)(((long)j * anchors.Count / each + offset) % anchors.Count)];
                window.Reset();
                for (var f = frame - p + 1; f <= frame; f++) window.Push(runs[run][f]);
                batch.Add(window, null);
                pending.Add((p, run, frame));
                if (batch.Count == batch.Capacity) Flush();
            }
        }
        Flush();
    }

    /// <summary>
    /// The model's predictor tuned on <paramref name="runs"/> at <paramref name="stride"/>, and the line that says how (kept
    /// in the profile's <see cref="NormalityProfile.Tuning"/>). Shared by <c>learn</c> and a camera learning by itself.
    /// </summary>
    internal static (PredictorWeights Weights, string Description) Tune(AnomalyModel model, IReadOnlyList<IReadOnlyList<byte[]>> runs, int stride,
        TuningOptions options, Action<int>? progress, CancellationToken cancellation)
    {
        var t0 = Stopwatch.GetTimestamp();
        double first = double.NaN, last = double.NaN;
        var weights = PredictorTuner.Tune(model.OwnPredictor, runs, model.T, model.H, model.W, stride, options, (step, loss) =>
        {
            if (double.IsNaN(first)) first = loss;
            last = loss;
            progress?.Invoke(step);
        }, cancellation);
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        return (weights, string.Create(CultureInfo.InvariantCulture,
            $"predictor tuned on {runs.Sum(r => r.Count)} frames: {options.Steps} steps of {options.Batch} windows, lr {options.LearningRate:g3}, " +
            $"loss {first:0.00000} -> {last:0.00000}, {seconds:0.0} s, weights {weights.Hash()}"));
    }
}
