namespace Monitoring.Tests.TestSupport;

/// <summary>Where the tests find the repository, the shared data sets and the installed sample footage.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The folder holding Monitoring.sln (found by walking up from the test binaries).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary><c>../shared/datasets</c> beside the repository (present on the team's machines, not in git).</summary>
    public static string SharedDatasets => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "datasets"));

    /// <summary>UCSD Ped2 (<c>training/NN</c>, <c>testing/NN</c> folders of <c>%03d.jpg</c> frames).</summary>
    public static string Ped2 => Path.Combine(SharedDatasets, "ped2");

    /// <summary>OpenCV's sample clip installed by <c>./build.sh setup</c> (package opencv-doc): 768×576, 795 frames, 10 fps.</summary>
    public const string VTestAvi = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

    /// <summary>The path of <paramref name="relative"/> under <see cref="SharedDatasets"/>.</summary>
    public static string Shared(string relative) => Path.Combine(SharedDatasets, relative);

    /// <summary>Fails the test with the fix when <see cref="VTestAvi"/> is missing.</summary>
    public static string RequireVTest()
    {
        if (!File.Exists(VTestAvi))
            Assert.Fail($"{VTestAvi} is missing: run ./build.sh setup (it installs the Debian package opencv-doc).");
        return VTestAvi;
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Monitoring.sln"))) return d.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Monitoring.sln not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.");
    }
}
