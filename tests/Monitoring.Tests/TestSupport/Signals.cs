using System.Runtime.InteropServices;

namespace Monitoring.Tests.TestSupport;

/// <summary>POSIX signals to child processes (Process.Kill only sends SIGKILL).</summary>
public static class Signals
{
    public const int Kill = 9;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal)
    {
        if (NativeKill(pid, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        const int esrch = 3; // no such process
        if (errno == esrch) return false;
        throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {errno}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
}
