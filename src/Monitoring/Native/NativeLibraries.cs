using System.Reflection;
using System.Runtime.InteropServices;

namespace Monitoring.Native;

/// <summary>The native libraries Monitoring binds itself (see docs/decisions/0016-named-packages.md); ONNX Runtime
/// comes with its NuGet package and is not one of them.</summary>
public enum NativeLib
{
    /// <summary>Our OpenCV 4.6 shim, built from src/native/cvshim by ./build.sh setup.</summary>
    CvShim,
    /// <summary>Our libtorch 1.13 shim (predictor tuning), built from src/native/torchshim by ./build.sh setup (decision 0021).</summary>
    TorchShim,
}

/// <summary>Thrown when a native library cannot be found or loaded; the message names the file and the fix.</summary>
public sealed class NativeLibraryMissingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Finds and loads the native libraries. Search order: <see cref="SearchDirectory"/> (config
/// <c>native.libraryDir</c>), the <c>MONITORING_NATIVE_DIR</c> environment variable, the application
/// folder, then <c>.native/lib</c> in the application folder or any parent of it or of the working
/// directory (where ./build.sh setup puts them).
/// </summary>
public static class NativeLibraries
{
    public const string EnvironmentVariable = "MONITORING_NATIVE_DIR";

    /// <summary>The <c>[DllImport]</c> name of the OpenCV shim.</summary>
    public const string CvShimImportName = "monitoring_cvshim";

    /// <summary>The <c>[DllImport]</c> name of the libtorch shim.</summary>
    public const string TorchShimImportName = "monitoring_torchshim";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<NativeLib, nint> Loaded = [];
    private static int _resolverInstalled;

    /// <summary>A folder searched first (config <c>native.libraryDir</c>); null for none.</summary>
    public static string? SearchDirectory { get; set; }

    public static string FileName(NativeLib lib) => lib switch
    {
        NativeLib.CvShim => "libmonitoring_cvshim.so",
        NativeLib.TorchShim => "libmonitoring_torchshim.so",
        _ => throw new ArgumentOutOfRangeException(nameof(lib)),
    };

    public static string InstallHint(NativeLib lib) => lib switch
    {
        NativeLib.CvShim =>
            "Build it with `./build.sh setup` (installs libopencv-dev and builds src/native/cvshim into .native/lib)",
        NativeLib.TorchShim =>
            "Build it with `./build.sh setup` (installs libtorch-dev and builds src/native/torchshim into .native/lib)",
        _ => throw new ArgumentOutOfRangeException(nameof(lib)),
    };

    /// <summary>The folders searched, in order.</summary>
    public static IReadOnlyList<string> SearchDirectories()
    {
        var dirs = new List<string>();
        if (!string.IsNullOrWhiteSpace(SearchDirectory)) dirs.Add(Path.GetFullPath(SearchDirectory));
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) dirs.Add(Path.GetFullPath(env));
        dirs.Add(AppContext.BaseDirectory);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, ".native", "lib");
                if (Directory.Exists(candidate)) dirs.Add(candidate);
            }
        }
        return dirs.Distinct().ToList();
    }

    /// <summary>The full path of <paramref name="lib"/> in the first of <paramref name="directories"/> that holds it.</summary>
    /// <exception cref="NativeLibraryMissingException">None holds it: the message names the file, the folders and the fix.</exception>
    public static string Locate(NativeLib lib, IReadOnlyList<string> directories)
    {
        var file = FileName(lib);
        foreach (var dir in directories)
        {
            var path = Path.Combine(dir, file);
            if (File.Exists(path)) return path;
        }
        throw new NativeLibraryMissingException(
            $"Native library '{file}' was not found (searched: {string.Join(", ", directories)}). " +
            $"{InstallHint(lib)}, or set {EnvironmentVariable} to the folder that holds it.");
    }

    /// <summary>Loads <paramref name="lib"/> once and returns its handle.</summary>
    public static nint Load(NativeLib lib)
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(lib, out var h)) return h;
            var path = Locate(lib, SearchDirectories());
            try
            {
                h = NativeLibrary.Load(path);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new NativeLibraryMissingException(
                    $"Native library '{path}' exists but could not be loaded ({e.Message}). {InstallHint(lib)}.", e);
            }
            Loaded[lib] = h;
            return h;
        }
    }

    /// <summary>
    /// Routes <c>[DllImport(CvShimImportName)]</c> (and the libtorch shim's) of this assembly through <see cref="Load"/>, so a
    /// missing shim gives <see cref="NativeLibraryMissingException"/> rather than DllNotFoundException.
    /// </summary>
    public static void InstallResolver()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name switch
    {
        CvShimImportName => Load(NativeLib.CvShim),
        TorchShimImportName => Load(NativeLib.TorchShim),
        _ => 0,
    };
}
