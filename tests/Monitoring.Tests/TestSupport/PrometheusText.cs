using System.Globalization;

namespace Monitoring.Tests.TestSupport;

/// <summary>A parsed Prometheus text exposition: series (name plus its label set, as written) → value.</summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, double> _series;

    private PrometheusText(Dictionary<string, double> series, string text)
    {
        _series = series;
        Text = text;
    }

    public string Text { get; }

    public static PrometheusText Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var cut = line.LastIndexOf(' ');
            if (cut <= 0) continue;
            var value = line[(cut + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            series[line[..cut]] = value;
        }
        return new PrometheusText(series, text);
    }

    /// <summary>The value of <c>name</c> (no labels) or <c>name{camera="id"}</c>; null when absent.</summary>
    public double? Get(string name, string? camera = null) =>
        _series.TryGetValue(camera is null ? name : $"{name}{{camera=\"{camera}\"}}", out var v) ? v : null;

    /// <summary>Like <see cref="Get"/>, 0 when the series is absent (counters not yet touched).</summary>
    public double Value(string name, string? camera = null) => Get(name, camera) ?? 0;

    public double FramesAnalysed(string camera) => Value("monitoring_frames_analyzed_total", camera);
    public double FramesDecoded(string camera) => Value("monitoring_camera_frames_decoded_total", camera);
    public double Reconnects(string camera) => Value("monitoring_camera_reconnects_total", camera);
    public int? State(string camera) => Get("monitoring_camera_state", camera) is { } s ? (int)s : null;

    /// <summary>Sum of every series named <paramref name="name"/> whatever its labels.</summary>
    public double Sum(string name) =>
        _series.Where(kv => kv.Key == name || kv.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(kv => kv.Value);

    /// <summary>The camera lines, for failure messages.</summary>
    public string Summary() => string.Join("; ", _series.Where(kv => kv.Key.StartsWith("monitoring_camera_", StringComparison.Ordinal)
        || kv.Key.StartsWith("monitoring_frames_analyzed", StringComparison.Ordinal)).Select(kv => $"{kv.Key}={kv.Value}"));
}
