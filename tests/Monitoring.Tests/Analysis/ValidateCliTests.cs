using System.Diagnostics;
using Monitoring.Tests.TestSupport;

namespace Monitoring.Tests.Analysis;

/// <summary>
/// <c>python3 -m montrain.validate</c> (the model choice on the validation scenes) refuses a labels file that is not
/// there with a message naming the file and the command that writes it, not a Python traceback.
/// </summary>
[Trait("Category", "Integration")]   // runs python3 -m montrain.validate
public sealed class ValidateCliTests
{
    [RequiresTrainingToolsFact]
    public void A_missing_labels_file_is_named_with_the_command_that_writes_it()
    {
        using var dir = new TempDir();
        var psi = new ProcessStartInfo(RequiresTrainingToolsFactAttribute.Python)
        {
            WorkingDirectory = RequiresTrainingToolsFactAttribute.TrainingDir,
            ArgumentList = { "-m", "montrain.validate", "--scenes", dir.Path, "--labels", "labels-real.json" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var err = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("python3 -m montrain.validate did not finish within 120 s");
        }
        p.WaitForExit();
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains($"no labels file {Path.Combine(dir.Path, "labels-real.json")}", err.Result);
        Assert.Contains("python3 -m montrain.scenes", err.Result);
        Assert.DoesNotContain("Traceback", err.Result + stdout.Result);
    }
}
