namespace Monitoring.Tests.TestSupport;

public sealed class TestSupportTests
{
    [Fact]
    public void Repo_root_holds_the_solution()
    {
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "Monitoring.sln")));
        Assert.EndsWith(Path.Combine("shared", "datasets"), TestPaths.SharedDatasets);
    }

    [Fact]
    public void A_missing_shared_folder_skips_with_its_path()
    {
        var attr = new RequiresSharedDataFactAttribute("no/such/dataset");
        Assert.NotNull(attr.Skip);
        Assert.Contains(TestPaths.Shared("no/such/dataset"), attr.Skip);
    }
}
