using System.Runtime.InteropServices;
using Monitoring.Native;

namespace Monitoring.Tuning;

/// <summary>How <see cref="PredictorTuner"/> fine-tunes (the recipe measured in the model card, twelfth session; 500 steps chosen in the thirteenth).</summary>
/// <param name="Steps">Optimiser steps; 0 = no tuning (the model's own predictor).</param>
/// <param name="LearningRate">Peak rate of the one-cycle schedule (Adam).</param>
/// <param name="Batch">Windows per step.</param>
/// <param name="CropH">Crop height in model pixels (windows are cut at random places, half of them mirrored).</param>
/// <param name="CropW">Crop width in model pixels.</param>
/// <param name="Seed">Seed of the window sampling: the same footage and settings give the same weights.</param>
/// <param name="Threads">CPU threads of the training.</param>
public sealed record TuningOptions(int Steps = TuningOptions.DefaultSteps, double LearningRate = 2e-3, int Batch = 16, int CropH = 64, int CropW = 96, int Seed = 0,
    int Threads = 2)
{
    public const int DefaultSteps = 500;
    public const int MaxSteps = 100_000;
    public static TuningOptions Default { get; } = new();

    public void Validate()
    {
        if (Steps is < 0 or > MaxSteps) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "tuning steps must be 0 to 100000 (0 keeps the model's own predictor)");
        if (!(LearningRate is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "use a rate in (0, 1), e.g. 0.002");
        if (Batch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "use 1 to 1024 windows per step");
        if (CropH < 8 || CropW < 8 || CropH % 8 != 0 || CropW % 8 != 0)
            throw new ArgumentOutOfRangeException(nameof(CropH), $"{CropH}x{CropW}", "crops must be multiples of 8 model pixels (the predictor's stride)");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "use one thread or more");
    }
}

/// <summary>
/// Fine-tunes the model's future-frame predictor on one camera's normal footage (libtorch on the CPU, through our shim):
/// the predictor learns how this scene moves, so that its prediction error — the anomaly features — speaks of what is new
/// to the camera rather than of what is new to the model (decision 0021). The loop of <c>montrain.train.train_predictor</c>:
/// windows of T frames at the camera's frame stride, random crops, half of them mirrored, mean squared error of the
/// current frame, Adam with PyTorch's one-cycle schedule.
/// </summary>
public static class PredictorTuner
{
    /// <summary>Reports (step, smoothed loss) this often.</summary>
    public const int ReportEvery = 50;

    /// <summary>The libtorch version the shim was built with; throws <see cref="NativeLibraryMissingException"/> (with the fix) when it is missing.</summary>
    public static string TorchVersion() => TorchShim.TorchVersion();

    /// <summary>
    /// The predictor <paramref name="start"/> fine-tuned on <paramref name="runs"/> (each a run of consecutive analysed
    /// frames, grey, <paramref name="h"/>×<paramref name="w"/> bytes) for windows of <paramref name="t"/> frames
    /// <paramref name="stride"/> frames apart. <paramref name="progress"/> gets (step, smoothed loss) every
    /// <see cref="ReportEvery"/> steps and after the last.
    /// </summary>
    /// <exception cref="NativeLibraryMissingException">The libtorch shim is not built (the message says how to build it).</exception>
    public static unsafe PredictorWeights Tune(PredictorWeights start, IReadOnlyList<IReadOnlyList<byte[]>> runs, int t, int h, int w, int stride,
        TuningOptions options, Action<int, double>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        if (options.Steps == 0) return start;
        if (options.CropH > h || options.CropW > w)
            throw new ArgumentOutOfRangeException(nameof(options), $"crops of {options.CropH}x{options.CropW} do not fit frames of {h}x{w}");
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var lengths = runs.Where(r => r.Count > 0).Select(r => r.Count).ToArray();
        var total = lengths.Sum(n => (long)n);
        if (total == 0) throw new ArgumentException("no frame to tune the predictor on", nameof(runs));
        var frames = new byte[total * h * w];
        long at = 0;
        foreach (var run in runs)
            for (var i = 0; i < run.Count; i++)
            {
                if (run[i].Length != h * w) throw new ArgumentException($"a frame holds {run[i].Length} bytes, expected {h}x{w}", nameof(runs));
                run[i].CopyTo(frames.AsSpan((int)at));
                at += run[i].Length;
            }

        var (flat, shapes) = Native(start);
        var output = new float[flat.Length];
        // The shim calls back after every step (so that a stop is seen within a step); progress hears every ReportEvery-th.
        var callback = new TorchShim.Progress((step, loss) =>
        {
            if (step % ReportEvery == 0 || step == options.Steps - 1) progress?.Invoke(step, loss);
            return cancellation.IsCancellationRequested ? 1 : 0;
        });
        int rc;
        fixed (float* pw = flat)
        fixed (long* ps = shapes)
        fixed (float* po = output)
        fixed (byte* pf = frames)
        fixed (int* pl = lengths)
        {
            rc = TorchShim.mts_tune(pw, ps, flat.Length, po, pf, pl, lengths.Length, h, w, t, stride, options.Steps, options.LearningRate,
                options.Batch, options.CropH, options.CropW, (uint)options.Seed, options.Threads,
                Marshal.GetFunctionPointerForDelegate(callback), 1);
        }
        GC.KeepAlive(callback);
        if (rc == 2) cancellation.ThrowIfCancellationRequested();
        if (rc != 0) throw new InvalidOperationException($"tuning the predictor failed in libtorch: {TorchShim.LastError()}");
        return FromNative(start, output);
    }

    /// <summary>The prediction of the current frame [N,H,W] for each window of <paramref name="windows"/> [N,T,H,W] (values in [0,1]).</summary>
    public static unsafe float[] Predict(PredictorWeights weights, float[] windows, int n, int t, int h, int w, int threads = 2)
    {
        if (windows.Length != (long)n * t * h * w) throw new ArgumentException($"windows hold {windows.Length} values, expected {n}x{t}x{h}x{w}", nameof(windows));
        var (flat, shapes) = Native(weights);
        var output = new float[n * h * w];
        int rc;
        fixed (float* pw = flat)
        fixed (long* ps = shapes)
        fixed (float* px = windows)
        fixed (float* po = output)
            rc = TorchShim.mts_predict(pw, ps, px, n, t, h, w, po, threads);
        if (rc != 0) throw new InvalidOperationException($"running the predictor failed in libtorch: {TorchShim.LastError()}");
        return output;
    }

    /// <summary>The shim's layout: per layer in forward order its weight then its bias, and shapes (out, in, k, k; out).</summary>
    private static (float[] Flat, long[] Shapes) Native(PredictorWeights p)
    {
        var layers = PredictorWeights.Layers;
        if (TorchShim.mts_layer_count() != layers.Length)
            throw new InvalidOperationException($"the libtorch shim has {TorchShim.mts_layer_count()} predictor layers, this build {layers.Length}: rebuild it with ./build.sh setup");
        var flat = new List<float>(p.Count);
        var shapes = new long[5 * layers.Length];
        for (var k = 0; k < layers.Length; k++)
        {
            var weight = p[layers[k] + ".weight"];
            var bias = p[layers[k] + ".bias"];
            flat.AddRange(weight.Values);
            flat.AddRange(bias.Values);
            weight.Shape.CopyTo(shapes, 5 * k);
            shapes[5 * k + 4] = bias.Shape[0];
        }
        return (flat.ToArray(), shapes);
    }

    private static PredictorWeights FromNative(PredictorWeights like, float[] flat)
    {
        var byName = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var at = 0;
        foreach (var name in PredictorWeights.Layers)
            foreach (var part in new[] { ".weight", ".bias" })
            {
                var n = like[name + part].Values.Length;
                byName[name + part] = flat.AsSpan(at, n).ToArray();
                at += n;
            }
        return like.WithValues(like.Tensors.SelectMany(x => byName[x.Name]).ToArray(), "the tuned predictor");
    }
}
