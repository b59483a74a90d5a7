using Monitoring.Analysis;

namespace Monitoring.Web;

/// <summary>
/// The model's attention recovered from its anomaly map: the graph computes map = sigmoid(A·(s − B)) and
/// attention = softmax(Beta·s) from the same per-cell distance s (<see cref="ModelHead"/>), so s = DistanceAt(map)
/// gives the attention back without carrying a second map through the pipeline. Scaled so its largest cell is 1.
/// </summary>
public static class AttentionMap
{
    /// <summary>Writes the attention of <paramref name="map"/> into <paramref name="attention"/> (same length), scaled to a maximum of 1.</summary>
    public static void FromAnomalyMap(ModelHead head, ReadOnlySpan<float> map, Span<float> attention)
    {
        if (attention.Length < map.Length) throw new ArgumentException($"attention holds {attention.Length} values, the map {map.Length}", nameof(attention));
        var max = float.NegativeInfinity;
        for (var i = 0; i < map.Length; i++)
        {
            var p = Math.Clamp(float.IsNaN(map[i]) ? 0f : map[i], 1e-6f, 1f - 1e-6f);
            attention[i] = head.Beta * head.DistanceAt(p);
            max = MathF.Max(max, attention[i]);
        }
        // softmax divided by its largest term: exp(x − max); the normalising sum cancels in the scaling.
        for (var i = 0; i < map.Length; i++) attention[i] = MathF.Exp(attention[i] - max);
    }
}
