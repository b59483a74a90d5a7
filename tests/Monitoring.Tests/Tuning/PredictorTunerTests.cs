using System.Text.Json;
using Monitoring.Analysis;
using Monitoring.Inference;
using Monitoring.Native.OpenCv;
using Monitoring.Tuning;

namespace Monitoring.Tests.Tuning;

/// <summary>
/// The camera's own predictor: the committed model's U-Net weights read from the ONNX file, the TorchSharp replica that
/// tunes them computing what ONNX Runtime computes, sessions that run with tuned weights, and tuning that learns the scene.
/// Real parts throughout: the committed model, ONNX Runtime, libtorch, and vtest.avi decoded by OpenCV.
/// </summary>
public sealed class PredictorTunerTests
{
    private static string ModelPath => Path.Combine(TestPaths.RepoRoot, "models", "anomaly.onnx");

    [Fact]
    public void The_committed_model_holds_the_predictor_unet()
    {
        var p = PredictorWeights.FromModel(ModelPath);
        Assert.Equal(2 * PredictorWeights.Layers.Length, p.Tensors.Count);
        Assert.Equal([8L, 4, 3, 3], p["pred.e1.0.0.weight"].Shape);
        Assert.Equal([1L, 8, 3, 3], p["pred.out.weight"].Shape);
        Assert.Equal([8L, 32, 1, 1], p["pred.b.1.weight"].Shape);
        Assert.InRange(p.Count, 50_000, 60_000);
        Assert.Contains(p.Flatten(), v => v != 0);
        // The values round-trip through the flat form a profile stores.
        Assert.Equal(p.Hash(), p.WithValues(p.Flatten(), "test").Hash());
    }

    [Fact]
    public void A_truncated_model_file_is_refused_with_its_path()
    {
        using var dir = new TempDir();
        var cut = Path.Combine(dir.Path, "cut.onnx");
        var bytes = File.ReadAllBytes(ModelPath);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsAny<Exception>(() => PredictorWeights.FromModel(cut));
        Assert.True(e is InvalidDataException or ModelContractException, e.ToString());
        Assert.Contains(cut, e.Message);
    }

    [Fact]
    public void A_model_without_a_predictor_is_refused_with_the_way_out()
    {
        var other = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "tests", "Monitoring.Tests", "assets", "onnx"), "*.onnx").First();
        var e = Assert.Throws<ModelContractException>(() => PredictorWeights.FromModel(other));
        Assert.Contains(other, e.Message);
        Assert.Contains("--tune-steps 0", e.Message);
    }

    [Fact]
    public void The_replica_predicts_what_onnx_runtime_computes_with_the_models_and_with_other_weights()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var frames = VTestFrames(model, 60);
        var (windows, n) = Windows(model, frames, [10, 30, 59], stride: 2);
        var own = PredictorWeights.FromModel(ModelPath);
        var (gMean, gStd) = Standardisation();

        var stock = FeatureChannel0(model, windows, n);
        AssertClose(PerrMean(PredictorTuner.Predict(own, windows, n, model.T, model.H, model.W), windows, model, n, gMean, gStd), stock);

        // Other weights: the output layer's bias moved, so every prediction is off by that much.
        var values = own.Flatten();
        var at = own.Tensors.TakeWhile(t => t.Name != "pred.out.bias").Sum(t => t.Values.Length);
        values[at] += 0.05f;
        var shifted = own.WithValues(values, "test");
        using var tuned = model.WithPredictor(shifted);
        Assert.Equal(model.Sha256, tuned.Sha256);
        Assert.Contains("+pred-" + shifted.Hash(), tuned.Version);
        var other = FeatureChannel0(tuned, windows, n);
        AssertClose(PerrMean(PredictorTuner.Predict(shifted, windows, n, model.T, model.H, model.W), windows, model, n, gMean, gStd), other);
        Assert.True(stock.Zip(other).Average(p => Math.Abs(p.First - p.Second)) > 0.1, "the session ignored the replaced weights");
    }

    [Fact]
    [Trait("Category", "Integration")]   // 240 steps of libtorch training, ~15 s
    public void Tuning_on_a_scene_lowers_the_prediction_error_on_later_footage_of_that_scene()
    {
        using var model = AnomalyModel.Load(ModelPath, OnnxSessionOptions.Cpu);
        var frames = VTestFrames(model, 320);
        var learn = frames.Take(240).ToList();
        var own = PredictorWeights.FromModel(ModelPath);
        var steps = new List<(int Step, double Loss)>();
        var options = new TuningOptions(Steps: 200);
        var tuned = PredictorTuner.Tune(own, [learn], model.T, model.H, model.W, stride: 1, options, (s, l) => steps.Add((s, l)));
        Assert.NotEqual(own.Hash(), tuned.Hash());
        Assert.Equal([0, 50, 100, 150, 199], steps.Select(s => s.Step));

        // Later footage of the same scene, never tuned on.
        var (windows, n) = Windows(model, frames, Enumerable.Range(260, 60).ToArray(), stride: 1);
        var before = Mse(PredictorTuner.Predict(own, windows, n, model.T, model.H, model.W), windows, model, n);
        var after = Mse(PredictorTuner.Predict(tuned, windows, n, model.T, model.H, model.W), windows, model, n);
        Assert.True(after < 0.95 * before, $"prediction error on unseen frames of the scene: {before:E3} before tuning, {after:E3} after");

        // Same footage and settings: the same weights.
        var again = PredictorTuner.Tune(own, [learn], model.T, model.H, model.W, stride: 1, options with { Steps = 20 });
        var third = PredictorTuner.Tune(own, [learn], model.T, model.H, model.W, stride: 1, options with { Steps = 20 });
        Assert.Equal(again.Hash(), third.Hash());
    }

    [Fact]
    public void Bad_tuning_settings_are_refused_with_what_to_use()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TuningOptions(CropH: 60).Validate());
        Assert.Contains("multiples of 8", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TuningOptions(Steps: -1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TuningOptions(LearningRate: 0).Validate());
        var own = PredictorWeights.FromModel(ModelPath);
        Assert.Throws<ArgumentException>(() => PredictorTuner.Tune(own, [[]], 5, 128, 192, 1, TuningOptions.Default));
        Assert.Same(own, PredictorTuner.Tune(own, [[]], 5, 128, 192, 1, new TuningOptions(Steps: 0)));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<byte[]> VTestFrames(AnomalyModel model, int count)
    {
        using var capture = VideoCapture.Open(TestPaths.RequireVTest());
        var frames = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var grey = new byte[model.H * model.W];
            Assert.Equal(FrameStatus.Ok, capture.Read(grey, model.W, model.H, PixelFormat.Gray8));
            frames.Add(grey);
        }
        return frames;
    }

    /// <summary>Model inputs [N,T,H,W] for the windows ending at <paramref name="ends"/>, as the daemon's FrameWindow fills them.</summary>
    private static (float[] Windows, int N) Windows(AnomalyModel model, List<byte[]> frames, int[] ends, int stride)
    {
        var windows = new float[ends.Length * model.FrameInputLength];
        for (var k = 0; k < ends.Length; k++)
        {
            var window = model.CreateWindow(stride);
            for (var i = 0; i <= ends[k]; i++) window.Push(frames[i]);
            window.CopyTo(windows.AsSpan(k * model.FrameInputLength, model.FrameInputLength));
        }
        return (windows, ends.Length);
    }

    private static float[] FeatureChannel0(AnomalyModel model, float[] windows, int n)
    {
        using var batch = model.CreateBatch(n);
        var window = model.CreateWindow();
        window.Push(new byte[model.H * model.W]);
        for (var i = 0; i < n; i++) batch.Add(window, null);
        windows.CopyTo(batch.Frames, 0); // the test's windows in place of the placeholder
        model.Run(batch);
        var channel = new float[n * model.Cells];
        for (var i = 0; i < n; i++)
            Array.Copy(batch.Features, i * model.ProfileLength, channel, i * model.Cells, model.Cells);
        return channel;
    }

    /// <summary>The model's perr_mean channel (montrain.network): log of the cell mean of the squared prediction error, standardised.</summary>
    private static float[] PerrMean(float[] prediction, float[] windows, AnomalyModel model, int n, float gMean, float gStd)
    {
        const int cell = 8;
        var result = new float[n * model.Cells];
        for (var i = 0; i < n; i++)
        {
            var current = i * model.FrameInputLength + (model.T - 1) * model.H * model.W;
            for (var cy = 0; cy < model.CellsH; cy++)
                for (var cx = 0; cx < model.CellsW; cx++)
                {
                    double sum = 0;
                    for (var y = cy * cell; y < (cy + 1) * cell; y++)
                        for (var x = cx * cell; x < (cx + 1) * cell; x++)
                        {
                            double d = prediction[i * model.H * model.W + y * model.W + x] - windows[current + y * model.W + x];
                            sum += d * d;
                        }
                    result[i * model.Cells + cy * model.CellsW + cx] = (float)((Math.Log(sum / (cell * cell) + 1e-4) - gMean) / gStd);
                }
        }
        return result;
    }

    private static double Mse(float[] prediction, float[] windows, AnomalyModel model, int n)
    {
        double sum = 0;
        var plane = model.H * model.W;
        for (var i = 0; i < n; i++)
        {
            var current = i * model.FrameInputLength + (model.T - 1) * plane;
            for (var k = 0; k < plane; k++)
            {
                double d = prediction[i * plane + k] - windows[current + k];
                sum += d * d;
            }
        }
        return sum / (n * plane);
    }

    private static (float Mean, float Std) Standardisation()
    {
        using var session = OnnxSession.Load(ModelPath, OnnxSessionOptions.Cpu);
        using var doc = JsonDocument.Parse(session.Metadata["calibration"]);
        var names = doc.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal("perr_mean", names[0]);
        return (doc.RootElement.GetProperty("g_mean")[0].GetSingle(), doc.RootElement.GetProperty("g_std")[0].GetSingle());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 2e-3, $"largest difference {worst} between the replica's perr_mean and the model's features[:, 0]");
    }
}
