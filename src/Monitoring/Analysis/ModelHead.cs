using System.Globalization;
using System.Text.Json;

namespace Monitoring.Analysis;

/// <summary>
/// The model's scoring head outside the graph: the same arithmetic the exported graph applies to its <c>features</c>
/// (models/README.md, "Head"), read from the model's metadata <c>calibration</c>. <c>learn</c> uses it to score its
/// own footage against profiles that leave part of it out (held-out calibration) without running the model again.
/// A test checks it against the graph's outputs.
/// </summary>
public sealed class ModelHead
{
    private readonly float[] _oneSided;
    private readonly float[] _weight;
    private readonly float _weightSum;

    private ModelHead(int d, float[] oneSided, float[]? weight, float eps, float a, float b, float beta, float scoreA, float scoreB, float defaultThreshold)
    {
        DefaultThreshold = defaultThreshold;
        D = d;
        _oneSided = oneSided;
        _weight = weight ?? Enumerable.Repeat(1f, d).ToArray();
        _weightSum = _weight.Sum();
        Eps = eps; A = a; B = b; Beta = beta; ScoreA = scoreA; ScoreB = scoreB;
    }

    public int D { get; }
    /// <summary>The variance floor added to <c>profile_var</c> (in the model's feature units).</summary>
    public float Eps { get; }
    /// <summary>anomaly_map = sigmoid(A · (s − B)).</summary>
    public float A { get; }
    public float B { get; }
    /// <summary>attention = softmax(Beta · s) over the cells.</summary>
    public float Beta { get; }
    /// <summary>
    /// score = Σ attention · sigmoid(ScoreA · (s − ScoreB)): from v8 the score pools its own sigmoid of s (metadata
    /// <c>score_a</c> / <c>score_b</c>, decision 0019); for v1–v7 these equal <see cref="A"/> / <see cref="B"/>, so the
    /// score pools <c>anomaly_map</c> itself.
    /// </summary>
    public float ScoreA { get; }
    public float ScoreB { get; }
    /// <summary>
    /// The region threshold for a camera that learned too few frames to derive its own (metadata
    /// <c>default_threshold</c>, from v8: 0.95, decision 0006); <see cref="ProfileCalibration.FallbackThreshold"/> (0.9)
    /// for models that do not name one.
    /// </summary>
    public float DefaultThreshold { get; }

    /// <summary>The head of a model whose metadata has <c>calibration</c>; null when the model does not describe its head.</summary>
    public static ModelHead? FromMetadata(IReadOnlyDictionary<string, string> metadata, int d, string path)
    {
        if (!metadata.TryGetValue("calibration", out var json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            float F(string name) => root.GetProperty(name).GetSingle();
            float[] Floats(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var oneSided = root.TryGetProperty("onesided", out _) ? Floats("onesided") : new float[d];
            var weight = root.TryGetProperty("weights", out _) ? Floats("weights") : null;
            if (oneSided.Length != d || weight is { } w && (w.Length != d || w.Sum() <= 0))
                throw new ModelContractException(
                    $"model '{path}': metadata calibration has {oneSided.Length} onesided / {weight?.Length} weights values for {d} feature channels; re-export the model (models/training/montrain/export.py)");
            float a = F("cal_a"), b = F("cal_b");
            var separate = root.TryGetProperty("score_a", out _);
            var fallback = root.TryGetProperty("default_threshold", out _) ? F("default_threshold") : ProfileCalibration.FallbackThreshold;
            if (!(fallback is > 0 and <= 1))
                throw new ModelContractException(
                    string.Create(CultureInfo.InvariantCulture, $"model '{path}': metadata calibration default_threshold is {fallback}, expected a map value in (0, 1]; re-export the model (models/training/montrain/export.py)"));
            return new ModelHead(d, oneSided, weight, F("eps"), a, b, F("beta"), separate ? F("score_a") : a, separate ? F("score_b") : b, fallback);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelContractException(
                $"model '{path}': metadata calibration is not readable ({e.Message}); re-export the model (models/training/montrain/export.py)");
        }
    }

    /// <summary>
    /// Per cell the RMS z-score <c>s</c> of <paramref name="features"/> against a profile, laid out [D, cells] as the
    /// model's tensors: one-sided channels count only an excess; <paramref name="var"/> is what the model is fed as
    /// <c>profile_var</c> (the floor <see cref="Eps"/> is added here, as in the graph).
    /// </summary>
    public void Distances(ReadOnlySpan<float> features, ReadOnlySpan<double> mean, ReadOnlySpan<double> var, Span<float> s)
    {
        var cells = s.Length;
        if (features.Length != D * cells || mean.Length != features.Length || var.Length != features.Length)
            throw new ArgumentException($"features hold {features.Length} values, expected {D}×{cells}");
        s.Clear();
        for (var d = 0; d < D; d++)
        {
            var o = d * cells;
            float w = _weight[d], one = _oneSided[d];
            for (var c = 0; c < cells; c++)
            {
                var z = features[o + c] - mean[o + c];
                if (z < 0) z -= one * z;
                s[c] += (float)(w * z * z / (var[o + c] + Eps));
            }
        }
        for (var c = 0; c < cells; c++) s[c] = MathF.Sqrt(s[c] / _weightSum + 1e-12f);
    }

    public float Map(float s) => 1f / (1f + MathF.Exp(-A * (s - B)));

    /// <summary>The <c>s</c> at which the map reaches <paramref name="p"/> (the inverse of <see cref="Map"/>).</summary>
    public float DistanceAt(float p) => B + MathF.Log(p / (1f - p)) / A;

    /// <summary>The sigmoid the score pools (<see cref="ScoreA"/>, <see cref="ScoreB"/>): the map itself for v1–v7.</summary>
    public float Pooled(float s) => 1f / (1f + MathF.Exp(-ScoreA * (s - ScoreB)));

    /// <summary>The graph's <c>score</c>: the attention-weighted (softmax of Beta·s) mean of <see cref="Pooled"/>.</summary>
    public float Score(ReadOnlySpan<float> s)
    {
        var max = float.NegativeInfinity;
        foreach (var v in s) max = MathF.Max(max, v);
        double z = 0, sum = 0;
        foreach (var v in s)
        {
            var e = Math.Exp(Beta * (v - max));
            z += e;
            sum += e * Pooled(v);
        }
        return (float)(sum / z);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"eps {Eps}, a {A}, b {B}, beta {Beta}") +
        (ScoreA != A || ScoreB != B ? string.Create(CultureInfo.InvariantCulture, $", score a {ScoreA}, b {ScoreB}") : "");
}
