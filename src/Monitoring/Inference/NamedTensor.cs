namespace Monitoring.Inference;

/// <summary>
/// A caller-owned float32 tensor for <see cref="OnnxSession.Run"/>: <paramref name="Data"/> holds exactly
/// the product of <paramref name="Shape"/> elements in row-major (C) order. Inputs are read from it and
/// outputs written into it; ORT allocates no tensor memory of its own for either.
/// </summary>
public readonly record struct NamedTensor(string Name, Memory<float> Data, long[] Shape)
{
    /// <summary>Product of the dimensions (1 for a scalar); -1 when a dimension is negative.</summary>
    public long ElementCount()
    {
        long n = 1;
        foreach (var d in Shape)
        {
            if (d < 0) return -1;
            n = checked(n * d);
        }
        return n;
    }

    public static string FormatShape(ReadOnlySpan<long> shape)
    {
        var sb = new System.Text.StringBuilder("[");
        for (var i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }
}
