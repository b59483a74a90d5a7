using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Monitoring.Analysis;

namespace Monitoring.Tuning;

/// <summary>
/// The weights of the model's future-frame predictor (the initializers named <c>pred.*</c>: the small U-Net of
/// <c>montrain.network.Predictor</c>), as shipped in the model or as <see cref="PredictorTuner"/> fine-tuned them on one
/// camera's normal footage. A profile carries a camera's own; the daemon runs that camera with them
/// (<see cref="AnomalyModel.WithPredictor"/>).
/// </summary>
public sealed class PredictorWeights
{
    public const string Prefix = "pred.";

    /// <summary>
    /// The predictor's convolutions in forward order, as <c>montrain.network.Predictor</c> names them (each has a
    /// <c>.weight</c> [out, in, k, k] and a <c>.bias</c> [out]); the shim (src/native/torchshim) holds their strides and
    /// activations in the same order.
    /// </summary>
    public static readonly string[] Layers =
    [
        "pred.e1.0.0", "pred.e1.1.0", "pred.e2.0.0", "pred.e2.1.0", "pred.e3.0.0", "pred.e3.1.0",
        "pred.b.0.0", "pred.b.1", "pred.bu.0", "pred.d3.0", "pred.d2.0", "pred.d1.0", "pred.out",
    ];

    private readonly Dictionary<string, Initializer> _byName;

    private PredictorWeights(IReadOnlyList<Initializer> tensors, string source)
    {
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var name in Layers)
        {
            if (!_byName.TryGetValue(name + ".weight", out var w) || !_byName.TryGetValue(name + ".bias", out var b)
                || w.Shape.Length != 4 || b.Shape.Length != 1 || b.Shape[0] != w.Shape[0] || w.Shape[2] % 2 == 0 || w.Shape[2] != w.Shape[3])
                throw new ModelContractException(
                    $"{source} has no predictor layer '{name}' (weight [out,in,k,k] with odd k and bias [out]): per-camera tuning needs the " +
                    "U-Net of montrain.network.Predictor (models v1–v7); learn with --tune-steps 0 to keep the model's own predictor");
        }
        if (tensors.Count != 2 * Layers.Length)
            throw new ModelContractException(
                $"{source} has {tensors.Count} predictor tensors ({Prefix}*), the U-Net of montrain.network.Predictor has {2 * Layers.Length}; " +
                "learn with --tune-steps 0 to keep the model's own predictor");
    }

    /// <summary>The tensors, in the model file's order.</summary>
    public IReadOnlyList<Initializer> Tensors { get; }

    public Initializer this[string name] => _byName[name];

    /// <summary>Values in all (≈ 55 k for the committed model).</summary>
    public int Count => Tensors.Sum(t => t.Values.Length);

    /// <summary>The predictor of the model file at <paramref name="modelPath"/>.</summary>
    public static PredictorWeights FromModel(string modelPath) =>
        new(OnnxInitializers.Read(modelPath, Prefix), $"model '{modelPath}'");

    /// <summary>The same tensors with new values (in <see cref="Tensors"/> order, concatenated).</summary>
    public PredictorWeights WithValues(ReadOnlySpan<float> values, string source)
    {
        if (values.Length != Count)
            throw new ProfileException($"{source} holds {values.Length} predictor values, the model's predictor has {Count}; learn it again");
        var list = new List<Initializer>(Tensors.Count);
        var at = 0;
        foreach (var t in Tensors)
        {
            list.Add(t with { Values = values.Slice(at, t.Values.Length).ToArray() });
            at += t.Values.Length;
        }
        return new PredictorWeights(list, source);
    }

    /// <summary>All values in <see cref="Tensors"/> order.</summary>
    public float[] Flatten()
    {
        var all = new float[Count];
        var at = 0;
        foreach (var t in Tensors)
        {
            t.Values.CopyTo(all, at);
            at += t.Values.Length;
        }
        return all;
    }

    /// <summary>SHA-256 (hex, 12 characters) of the values: names a camera's predictor in logs and alerts.</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(Flatten().AsSpan())))[..12];
}
