using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Monitoring.Tests.TestSupport;

/// <summary>
/// The real daemon as a child process: <c>dotnet monitoring.dll run --config FILE</c>, its stdout and stderr
/// captured line by line, /metrics read over HTTP, stopped with SIGTERM (a clean stop) or SIGKILL (a crash).
/// Dispose kills whatever is still running, so a failing test never leaves a daemon behind.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    private static readonly Lazy<string> Dll = new(FindDll);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);
    private readonly Action<string>? _echo;
    private int _disposed;

    private DaemonProcess(Process process, Uri? metricsBase, Action<string>? echo)
    {
        _process = process;
        MetricsBase = metricsBase;
        _echo = echo;
    }

    /// <summary>The daemon's dll built beside the sources (the test project's ProjectReference builds it).</summary>
    public static string MonitoringDll => Dll.Value;

    /// <summary>http://127.0.0.1:PORT/ where /metrics answers (null when the caller did not say).</summary>
    public Uri? MetricsBase { get; }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Every line the daemon wrote so far (stdout and stderr, in arrival order).</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();
    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Starts <c>monitoring ARGS…</c>. <paramref name="httpPort"/> is the port of the config's http.urls (for
    /// <see cref="MetricsAsync"/>); <paramref name="environment"/> adds variables (webhook secrets);
    /// <paramref name="echo"/> receives every line (an xunit ITestOutputHelper's WriteLine).
    /// </summary>
    public static DaemonProcess Start(IEnumerable<string> args, int? httpPort = null,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? echo = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepoRoot,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(MonitoringDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Keep the child's runtime quiet and small on a shared 2-core machine.
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_gcServer"] = "0";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var metrics = httpPort is { } p ? new Uri($"http://127.0.0.1:{p}/") : null;
        var daemon = new DaemonProcess(process, metrics, echo);
        process.OutputDataReceived += (_, e) => daemon.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.OnLine(e.Data);
        if (!process.Start()) throw new InvalidOperationException("could not start dotnet");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary><c>monitoring run --config FILE</c>.</summary>
    public static DaemonProcess Run(string configPath, int httpPort, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? echo = null) =>
        Start(["run", "--config", configPath], httpPort, environment, echo);

    /// <summary>Runs a command that ends by itself (validate-config, learn, a bad config) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? echo = null)
    {
        using var d = Start(args, null, environment, echo);
        var code = await d.WaitForExitAsync(timeout);
        return (code, d.Output);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        _newLine.Release();
        if (_echo is null) return;
        try
        {
            _echo(line);
        }
        catch (InvalidOperationException)
        {
            // The test that owned the output helper has finished.
        }
    }

    /// <summary>Waits for a line matching <paramref name="match"/> (already written or still to come).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var hit = _lines.FirstOrDefault(match);
            if (hit is not null) return hit;
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                hit = _lines.FirstOrDefault(match);
                if (hit is not null) return hit;
                throw new Xunit.Sdk.XunitException($"The daemon exited ({_process.ExitCode}) before it wrote {what}.\n{Tail()}");
            }
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero) throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.\n{Tail()}");
            await _newLine.WaitAsync(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
        }
    }

    public Task<string> WaitForLineAsync(string contains, TimeSpan timeout) =>
        WaitForLineAsync(l => l.Contains(contains, StringComparison.Ordinal), timeout, $"a line containing '{contains}'");

    /// <summary>One scrape of /metrics.</summary>
    public async Task<PrometheusText> MetricsAsync()
    {
        if (MetricsBase is null) throw new InvalidOperationException("started without an http port");
        var text = await Http.GetStringAsync(new Uri(MetricsBase, "metrics"));
        return PrometheusText.Parse(text);
    }

    /// <summary>Scrapes /metrics until <paramref name="condition"/> holds (a refused connection while starting counts as not yet).</summary>
    public async Task<PrometheusText> WaitForMetricsAsync(Func<PrometheusText, bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        PrometheusText? last = null;
        string? error = null;
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new Xunit.Sdk.XunitException($"The daemon exited ({_process.ExitCode}) while waiting for {what}.\n{Tail()}");
            try
            {
                last = await MetricsAsync();
                error = null;
                if (condition(last)) return last;
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
            catch (TaskCanceledException e)
            {
                error = e.Message;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException(
            $"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. Last scrape: {error ?? last?.Summary() ?? "none"}\n{Tail()}");
    }

    /// <summary>SIGTERM: what systemd and `docker stop` send. The daemon should stop cleanly.</summary>
    public void Terminate() => Signal(Signals.Term);

    /// <summary>SIGKILL: a crash, an OOM kill, a power cut as far as the process can tell.</summary>
    public void KillHard() => Signal(Signals.Kill);

    private void Signal(int signal)
    {
        if (!_process.HasExited) Signals.Send(_process.Id, signal);
    }

    /// <summary>Waits for the process to end and for its output to be read; fails the test on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"The daemon did not exit within {timeout.TotalSeconds:0} s.\n{Tail()}");
        }
        return _process.ExitCode;
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        var all = _lines.ToArray();
        return "--- daemon output (last lines) ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
        _newLine.Dispose();
    }

    private static string FindDll()
    {
        // The configuration the tests were built in (bin/Release/net10.0 or bin/Debug/net10.0).
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Debug"
            : "Release";
        var candidates = new[]
        {
            Path.Combine(TestPaths.RepoRoot, "src", "Monitoring", "bin", configuration, "net10.0", "monitoring.dll"),
            // The ProjectReference also copies the app (dll + runtimeconfig) into the test output.
            Path.Combine(AppContext.BaseDirectory, "monitoring.dll"),
        };
        foreach (var c in candidates)
            if (File.Exists(c) && File.Exists(Path.ChangeExtension(c, ".runtimeconfig.json"))) return c;
        throw new InvalidOperationException(
            $"monitoring.dll not found (looked at {string.Join(", ", candidates)}); build first: dotnet build Monitoring.sln -c {configuration}");
    }

    /// <summary>A free TCP port on 127.0.0.1 (bound to port 0, then released).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Writes <paramref name="config"/> as JSON to <paramref name="path"/> and returns the path.</summary>
    public static string WriteConfig(string path, JsonNode config)
    {
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
