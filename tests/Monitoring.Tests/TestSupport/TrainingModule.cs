using System.Diagnostics;

namespace Monitoring.Tests.TestSupport;

/// <summary>Runs <c>/usr/bin/python3 -m MODULE ARGS…</c> in models/training, as the training tools' tests need.</summary>
public static class TrainingModule
{
    /// <summary>Runs it to the end (fails the test when it takes longer than <paramref name="timeoutSeconds"/>).</summary>
    /// <param name="torchThreads">When set, OMP_NUM_THREADS for the child (torch's thread count).</param>
    public static (int ExitCode, string Stdout, string Stderr) Run(string module, IEnumerable<string> args, int timeoutSeconds = 120,
        int? torchThreads = null)
    {
        var psi = new ProcessStartInfo(RequiresTrainingToolsFactAttribute.Python)
        {
            WorkingDirectory = RequiresTrainingToolsFactAttribute.TrainingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-m");
        psi.ArgumentList.Add(module);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (torchThreads is { } n) psi.Environment["OMP_NUM_THREADS"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {RequiresTrainingToolsFactAttribute.Python}");
        var err = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"python3 -m {module} did not finish within {timeoutSeconds} s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, err.Result);
    }
}
