namespace Monitoring.Configuration;

/// <summary>The "model" section. Relative model paths are resolved as the config resolves them (against its folder).</summary>
public sealed class ModelOptionsValidator(Func<string, string> resolvePath) : OptionsValidator<ModelOptions>
{
    public override string DefaultPath => "model";

    public override void Validate(ModelOptions o, string path, ValidationErrors e)
    {
        if (string.IsNullOrWhiteSpace(o.Path)) e.Add($"{path}.path", "is empty; set it to the ONNX model file, e.g. \"../models/anomaly.onnx\"");
        else if (!File.Exists(resolvePath(o.Path)))
            e.Add($"{path}.path", $"model file '{resolvePath(o.Path)}' does not exist; point it at models/anomaly.onnx (relative paths are relative to the config file)");
        if (o.Provider.Trim().ToLowerInvariant() is not ("auto" or "cpu" or "cuda" or "gpu"))
            e.Add($"{path}.provider", $"'{o.Provider}' is not a provider; use \"auto\", \"cpu\" or \"cuda\"");
        if (o.IntraOpThreads < 0) e.Add($"{path}.intraOpThreads", "must be >= 0 (0 = one per core)");
        if (o.MaxBatchSize is < 1 or > 256) e.Add($"{path}.maxBatchSize", $"{o.MaxBatchSize} is out of range; use 1..256");
        if (o.MaxBatchWaitMs is < 0 or > 1000) e.Add($"{path}.maxBatchWaitMs", $"{o.MaxBatchWaitMs} is out of range; use 0..1000");
    }
}
