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
    public static string VTest(int seconds, int width = 384)
    {
        var source = TestPaths.RequireVTest();
        var dir = Path.Combine(Path.GetTempPath(), "monitoring-test-clips");
        var clip = Path.Combine(dir, $"vtest-{seconds}s-{width}w.avi");
        lock (Gate)
        {
            if (File.Exists(clip)) return clip;
            Directory.CreateDirectory(dir);
            var partial = clip + $".{Environment.ProcessId}.tmp.avi";
            var psi = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-nostdin", "-loglevel", "error", "-y", "-i", source, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                         "-vf", $"scale={width}:-2", "-c:v", "mjpeg", "-q:v", "5", "-an", partial })
                psi.ArgumentList.Add(a);
            Process? ffmpeg;
            try
            {
                ffmpeg = Process.Start(psi);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return source; // no ffmpeg: the original works, only slower
            }
            if (ffmpeg is null) return source;
            using (ffmpeg)
            {
                var err = ffmpeg.StandardError.ReadToEnd();
                ffmpeg.WaitForExit();
                if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not cut {source}: {err}");
            }
            File.Move(partial, clip, overwrite: true);
            return clip;
        }
    }
}
