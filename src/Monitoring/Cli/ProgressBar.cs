using System.Diagnostics;

namespace Monitoring.Cli;

/// <summary>A one-line progress bar on standard error (redrawn at most 5 times a second; plain lines when redirected).</summary>
public sealed class ProgressBar(string label, long total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1000;

    public void Report(long done)
    {
        var now = _clock.ElapsedMilliseconds;
        if (now - _lastDraw < (Console.IsErrorRedirected ? 5000 : 200) && done < total) return;
        _lastDraw = now;
        var fps = done / Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
        string line;
        if (total > 0)
        {
            var frac = Math.Clamp(done / (double)total, 0, 1);
            var filled = (int)(frac * 30);
            line = $"{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {done}/{total} frames, {fps:0} fps";
        }
        else
        {
            line = $"{label} {done} frames, {fps:0} fps";
        }
        if (Console.IsErrorRedirected) Console.Error.WriteLine(line);
        else Console.Error.Write("\r" + line.PadRight(Math.Min(Console.BufferWidth > 0 ? Console.BufferWidth - 1 : 100, 100)));
    }

    public void Done(long done)
    {
        _lastDraw = -1000;
        Report(done);
        if (!Console.IsErrorRedirected) Console.Error.WriteLine();
    }
}
