using System.Text.Json;

namespace Monitoring.Evaluation;

/// <summary>
/// Frame-level ground truth in the Ped2 README's format:
/// <c>{"01": {"frames": 180, "abnormal": [[60, 179]]}, …}</c> (0-based, inclusive ranges).
/// </summary>
public sealed class FrameLabels
{
    private readonly Dictionary<string, (int Frames, List<(int From, int To)> Abnormal)> _clips = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Clips => _clips.Keys;

    public static FrameLabels Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"labels file '{path}' does not exist", path);
        var labels = new FrameLabels();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var clip in doc.RootElement.EnumerateObject())
            {
                var frames = clip.Value.GetProperty("frames").GetInt32();
                var ranges = new List<(int, int)>();
                foreach (var r in clip.Value.GetProperty("abnormal").EnumerateArray())
                    ranges.Add((r[0].GetInt32(), r[1].GetInt32()));
                labels._clips[clip.Name] = (frames, ranges);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"labels file '{path}' is not in the expected format {{\"01\": {{\"frames\": N, \"abnormal\": [[from, to]]}}}}: {e.Message}", e);
        }
        return labels;
    }

    public bool Has(string clip) => _clips.ContainsKey(clip);
    public int FrameCount(string clip) => _clips[clip].Frames;

    public bool IsAbnormal(string clip, long frame)
    {
        foreach (var (from, to) in _clips[clip].Abnormal)
            if (frame >= from && frame <= to) return true;
        return false;
    }
}
