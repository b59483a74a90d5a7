using Microsoft.ML.OnnxRuntime.Tensors;

namespace Monitoring.Inference;

/// <summary>A model input or output as the model declares it.</summary>
/// <param name="Name">The graph input/output name.</param>
/// <param name="IsTensor">False for a non-tensor value (a sequence or map); <paramref name="ElementType"/> is then meaningless.</param>
/// <param name="ElementType">Element type of a tensor.</param>
/// <param name="Shape">Dimensions; -1 where a dimension is dynamic (symbolic or unknown).</param>
/// <param name="DimensionNames">Per dimension, its symbolic name (e.g. "N"), or "" for a fixed or unnamed one.</param>
public sealed record TensorInfo(string Name, bool IsTensor, TensorElementType ElementType, long[] Shape, string[] DimensionNames)
{
    public int Rank => Shape.Length;

    /// <summary>True for a float32 tensor, the only kind <see cref="OnnxSession.Run"/> takes.</summary>
    public bool IsFloatTensor => IsTensor && ElementType == TensorElementType.Float;

    /// <summary>The declared shape as text, symbolic names in place of -1: "[N, 2, 6, 8]".</summary>
    public string ShapeText()
    {
        var parts = new string[Shape.Length];
        for (var i = 0; i < Shape.Length; i++)
            parts[i] = Shape[i] >= 0 ? Shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : DimensionNames[i].Length > 0 ? DimensionNames[i] : "?";
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>"[N, 2, 6, 8] (N dynamic)" — the declared shape with a note on its dynamic dimensions.</summary>
    public string ExpectedShapeText()
    {
        var dynamic = new List<string>();
        for (var i = 0; i < Shape.Length; i++)
            if (Shape[i] < 0) dynamic.Add(DimensionNames[i].Length > 0 ? DimensionNames[i] : $"dim {i}");
        return dynamic.Count == 0 ? ShapeText() : $"{ShapeText()} ({string.Join(", ", dynamic)} dynamic)";
    }

    public override string ToString() =>
        $"{Name}: {(IsTensor ? ElementType.ToString().ToLowerInvariant() : "non-tensor")} {ShapeText()}";
}
