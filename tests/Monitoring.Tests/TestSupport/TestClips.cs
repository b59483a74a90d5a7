using System.Diagnostics;

namespace Monitoring.Tests.TestSupport;

/// <summary>
/// Short, small clips cut from <see cref="TestPaths.VTestAvi"/> with ffmpeg (MJPEG in AVI: cheap to decode and to
/// re-encode for the RTSP server), cached under the temp folder so a test run cuts each one once.
/// Without ffmpeg the full-size original is returned.
/// </summary>
public static class TestClips
{
    private static readonly Lock Gate = new();

    /// <summary>The first <paramref name="seconds"/> of vtest.avi (10 fps) scaled to <paramref name="width"/> pixels wide.</summary>
    public static string VTest(int seconds, int width = 384) =>
        Cut($"vtest-{seconds}s-{width}w.avi", ["-i", TestPaths.RequireVTest(), "-t", Invariant(seconds), "-vf", $"scale={width}:-2"]);

    /// <summary>
    /// The first <paramref name="seconds"/> of vtest.avi played <paramref name="factor"/> times slower, still at 10 fps: ffmpeg's
    /// motion-compensated interpolation (<c>minterpolate</c>) draws the frames between, so the scene moves
    /// <paramref name="factor"/> times less per frame (a camera at a higher frame rate, or a slower scene). Needs ffmpeg.
    /// </summary>
    public static string VTestSlow(int seconds, int factor, int width = 384) =>
        Cut($"vtest-{seconds}s-x{factor}-{width}w.avi", ["-t", Invariant(seconds), "-i", TestPaths.RequireVTest(),
            "-vf", $"scale={width}:-2,setpts={factor}*PTS,minterpolate=fps=10:mi_mode=mci"], fallBack: false);

    private static string Invariant(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Cut(string name, string[] input, bool fallBack = true)
    {
        var source = TestPaths.RequireVTest();
        var dir = Path.Combine(Path.GetTempPath(), "monitoring-test-clips");
        var clip = Path.Combine(dir, name);
        lock (Gate)
        {
            if (File.Exists(clip)) return clip;
            Directory.CreateDirectory(dir);
            var partial = clip + $".{Environment.ProcessId}.tmp.avi";
            var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-nostdin", "-loglevel", "error", "-y" }.Concat(input).Concat(["-c:v", "mjpeg", "-q:v", "5", "-an", partial]))
                psi.ArgumentList.Add(a);
            Process? ffmpeg;
            try
            {
                ffmpeg = Process.Start(psi);
            }
            catch (System.ComponentModel.Win32Exception) when (fallBack)
            {
                return source; // no ffmpeg: the original works, only slower
            }
            if (ffmpeg is null)
                return fallBack ? source : throw new InvalidOperationException("ffmpeg could not be started; install it (./build.sh setup does)");
            using (ffmpeg)
            {
                var err = ffmpeg.StandardError.ReadToEnd();
                ffmpeg.WaitForExit();
                if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make {name} from {source}: {err}");
            }
            File.Move(partial, clip, overwrite: true);
            return clip;
        }
    }
}
