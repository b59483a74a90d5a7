using System.Text.Json;
using Monitoring.Analysis;
using Monitoring.Inference;
using Monitoring.Tests.TestSupport;

namespace Monitoring.Tests.Analysis;

/// <summary>
/// The training code and the daemon agree on the contract: a tiny training run of models/training
/// (<c>python3 -m montrain.tiny</c>: three synthetic 12-frame clips, 3 predictor steps, calibration, export) writes a
/// model that AnomalyModel loads and that, under ONNX Runtime, reproduces the torch reference outputs exported beside
/// it, with the same checks ModelReferenceTests applies to the committed model.
/// </summary>
[Trait("Category", "Integration")]   // runs python3 -m montrain.tiny
public sealed class TinyTrainingExportTests
{
    [RequiresTrainingToolsFact]
    public void A_tiny_training_run_exports_a_model_the_contract_tests_accept()
    {
        using var dir = new TempDir();
        var summary = RunTiny(dir.Path);
        var modelPath = summary.GetProperty("model").GetString()!;
        var referenceDir = summary.GetProperty("reference").GetString()!;
        Assert.True(summary.GetProperty("reference_max_abs_diff").GetDouble() < 1e-6, summary.ToString());

        ModelReferenceTests.AssertFollowsContract(modelPath);
        ModelReferenceTests.AssertReproducesReference(modelPath, referenceDir);
        ModelReferenceTests.AssertHeadMatchesGraph(modelPath, referenceDir);

        using var model = AnomalyModel.Load(modelPath, OnnxSessionOptions.Cpu);
        Assert.Equal((5, 128, 192, 4, 16, 24), (model.T, model.H, model.W, model.D, model.CellsH, model.CellsW));
        Assert.Contains("monitoring-tiny-test", model.Version);
        Assert.IsType<ModelHead>(model.Head);
    }

    /// <summary>Runs <c>python3 -m montrain.tiny --out DIR</c> (one torch thread) and returns its JSON summary line.</summary>
    private static JsonElement RunTiny(string outDir)
    {
        var (exitCode, stdout, stderr) = TrainingModule.Run("montrain.tiny", ["--out", outDir], torchThreads: 1);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(exitCode == 0, $"python3 -m montrain.tiny exited with {exitCode}:\n{stdout}\n{stderr}");
        return JsonDocument.Parse(lines[^1]).RootElement.Clone();
    }
}
