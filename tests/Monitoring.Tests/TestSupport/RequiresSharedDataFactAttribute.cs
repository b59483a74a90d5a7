namespace Monitoring.Tests.TestSupport;

/// <summary>
/// A <see cref="FactAttribute"/> that skips its test, saying why, when a folder under
/// <c>../shared/datasets</c> (<see cref="TestPaths.SharedDatasets"/>) is missing. xunit 2 has no
/// runtime skip, so the decision is taken when the attribute is built (at discovery).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresSharedDataFactAttribute : FactAttribute
{
    /// <param name="relativePath">A folder or file under the shared data sets, e.g. <c>ped2/testing/01</c>.</param>
    public RequiresSharedDataFactAttribute(string relativePath = "")
    {
        RelativePath = relativePath;
        string full;
        try
        {
            full = TestPaths.Shared(relativePath);
        }
        catch (InvalidOperationException e)
        {
            Skip = $"Shared data not located: {e.Message}";
            return;
        }
        if (!Directory.Exists(full) && !File.Exists(full))
            Skip = $"Shared data '{full}' is absent (expected ../shared/datasets/{relativePath} beside the repository); " +
                   "test skipped.";
    }

    public string RelativePath { get; }
}
