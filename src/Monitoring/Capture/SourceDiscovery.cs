using System.Text.RegularExpressions;
using Monitoring.Configuration;

namespace Monitoring.Capture;

/// <summary>
/// Turns what a user points learn/eval at into OpenCV source URIs: a video file or URL as it is; a folder
/// of numbered images (000.jpg, 001.jpg…) as one image sequence (folder/%03d.jpg); a folder of such folders
/// as one sequence per sub-folder, in name order (e.g. Ped2's training/01..16).
/// </summary>
public static partial class SourceDiscovery
{
    [GeneratedRegex(@"^(\d+)\.(jpg|jpeg|png|bmp|tif|tiff)$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberedImage();

    public static IReadOnlyList<(string Name, string Uri)> Expand(string path)
    {
        if (path.Contains("://", StringComparison.Ordinal) || path.Contains('%') || File.Exists(path) || path.StartsWith("/dev/", StringComparison.Ordinal))
            return [(Path.GetFileNameWithoutExtension(path), path)];
        if (!Directory.Exists(path))
            throw new UsageException($"'{path}' is neither a file, a folder nor a URL; check the path");
        var own = SequenceIn(path);
        if (own is not null) return [(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), own)];
        var result = new List<(string, string)>();
        foreach (var sub in Directory.GetDirectories(path).OrderBy(d => d, StringComparer.Ordinal))
        {
            var uri = SequenceIn(sub);
            if (uri is not null) result.Add((Path.GetFileName(sub), uri));
        }
        foreach (var file in Directory.GetFiles(path).OrderBy(f => f, StringComparer.Ordinal))
        {
            var ext = Path.GetExtension(file).ToLowerInvariant();
            if (ext is ".avi" or ".mp4" or ".mkv" or ".mov" or ".webm" or ".ts") result.Add((Path.GetFileNameWithoutExtension(file), file));
        }
        if (result.Count == 0)
            throw new UsageException($"'{path}' holds no video files and no folders of numbered images (000.jpg, 001.jpg, …)");
        return result;
    }

    /// <summary>"dir/%03d.jpg" when <paramref name="dir"/> holds numbered images, else null.</summary>
    public static string? SequenceIn(string dir)
    {
        var names = Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => n is not null && NumberedImage().IsMatch(n)).ToList();
        if (names.Count == 0) return null;
        var first = names.OrderBy(n => n, StringComparer.Ordinal).First()!;
        var m = NumberedImage().Match(first);
        var digits = m.Groups[1].Value.Length;
        return Path.Combine(dir, $"%0{digits}d.{m.Groups[2].Value}");
    }
}
