using Monitoring.Native;

namespace Monitoring.Tests.Native;

public sealed class NativeLibraryTests
{
    [Theory]
    [InlineData(NativeLib.CvShim, "libmonitoring_cvshim.so")]
    public void A_missing_library_names_the_file_the_folders_and_the_install_command(NativeLib lib, string file)
    {
        var empty = Directory.CreateTempSubdirectory("monitoring-native-").FullName;
        try
        {
            var e = Assert.Throws<NativeLibraryMissingException>(() => NativeLibraries.Locate(lib, [empty]));
            Assert.Contains(file, e.Message);
            Assert.Contains(empty, e.Message);
            Assert.Contains("./build.sh setup", e.Message);
            Assert.Contains(NativeLibraries.EnvironmentVariable, e.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void The_installed_libraries_are_found_where_build_sh_puts_them()
    {
        foreach (var lib in new[] { NativeLib.CvShim })
        {
            var path = NativeLibraries.Locate(lib, NativeLibraries.SearchDirectories());
            Assert.True(File.Exists(path));
            Assert.NotEqual(0, NativeLibraries.Load(lib));
        }
    }
}
