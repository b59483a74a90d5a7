using System.Diagnostics;

namespace Monitoring.Tests.TestSupport;

/// <summary>
/// A <see cref="FactAttribute"/> that skips its test, saying why, unless the model's training tools are usable:
/// <c>/usr/bin/python3</c> imports torch, onnx, numpy and cv2 (Debian's python3-torch, python3-onnx, python3-numpy,
/// python3-opencv; models/training/requirements.md) and the package models/training/montrain is in the checkout.
/// The check runs once per test run, when the first such attribute is built (at discovery).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresTrainingToolsFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    /// <summary>models/training: run <c>python3 -m montrain.…</c> with this as the working folder.</summary>
    public static string TrainingDir => Path.Combine(TestPaths.RepoRoot, "models", "training");

    private static readonly Lazy<string?> Reason = new(WhyNot);

    public RequiresTrainingToolsFactAttribute()
    {
        if (Reason.Value is { } why) Skip = why + "; test skipped";
    }

    private static string? WhyNot()
    {
        if (!File.Exists(Python)) return $"{Python} is not installed";
        if (!File.Exists(Path.Combine(TrainingDir, "montrain", "train.py"))) return $"no package {TrainingDir}/montrain";
        var psi = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-c", "import torch, onnx, numpy, cv2" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi);
        if (p is null) return $"{Python} does not start";
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            return $"{Python} -c 'import torch, onnx, numpy, cv2' did not finish within 60 s";
        }
        if (p.ExitCode == 0) return null;
        var last = err.Result.Trim().Split('\n').LastOrDefault() ?? "";
        return $"{Python} cannot import the training packages ({last.Trim()}); install python3-torch python3-onnx " +
               "python3-numpy python3-opencv (./build.sh train does)";
    }
}
