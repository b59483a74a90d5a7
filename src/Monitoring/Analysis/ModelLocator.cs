using Monitoring.Configuration;

namespace Monitoring.Analysis;

/// <summary>Finds the bundled model when no path is given: models/anomaly.onnx under the working directory or a parent of it or of the app.</summary>
public static class ModelLocator
{
    public static string Find(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            if (!File.Exists(explicitPath)) throw new UsageException($"model file '{Path.GetFullPath(explicitPath)}' does not exist");
            return Path.GetFullPath(explicitPath);
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, "models", "anomaly.onnx");
                if (File.Exists(p)) return p;
            }
        throw new UsageException("no model given and models/anomaly.onnx was not found above the working directory; pass --model PATH");
    }
}
