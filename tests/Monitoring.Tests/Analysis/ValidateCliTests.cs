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
        var (exitCode, stdout, stderr) = TrainingModule.Run("montrain.validate", ["--scenes", dir.Path, "--labels", "labels-real.json"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"no labels file {Path.Combine(dir.Path, "labels-real.json")}", stderr);
        Assert.Contains("python3 -m montrain.scenes", stderr);
        Assert.DoesNotContain("Traceback", stderr + stdout);
    }
}
