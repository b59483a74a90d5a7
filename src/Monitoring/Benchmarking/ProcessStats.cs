using System.Diagnostics;

namespace Monitoring.Benchmarking;

/// <summary>This process's resident memory (from /proc), CPU time and GC counters.</summary>
public static class ProcessStats
{
    /// <summary>Current resident set size in bytes (VmRSS).</summary>
    public static long RssBytes() => ReadStatusKb("VmRSS:") * 1024;

    /// <summary>Peak resident set size of the process's life in bytes (VmHWM).</summary>
    public static long PeakRssBytes() => ReadStatusKb("VmHWM:") * 1024;

    public static TimeSpan CpuTime()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    private static long ReadStatusKb(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        using var p = Process.GetCurrentProcess();
        return key == "VmHWM:" ? p.PeakWorkingSet64 / 1024 : p.WorkingSet64 / 1024;
    }
}
