using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Configuration;
using Monitoring.Hosting;
using Monitoring.Native.OpenCv;

namespace Monitoring.Tests.Hosting;

/// <summary>Serilog through the host (Serilog.Extensions.Hosting): levels, overrides, the line format, the file sink.</summary>
public sealed class LoggingTests
{
    /// <summary>Logs through a host wired as the run command wires it, disposes the host, and returns the log file's lines.</summary>
    private static string[] LogThroughHost(TempDir dir, string level, Action<ILoggerFactory> log)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddMonitoringLogging(new LoggingOptions { Level = level, File = dir.File("monitoring.log") });
        using (var host = builder.Build())
            log(host.Services.GetRequiredService<ILoggerFactory>());
        // Disposing the host disposed the logger: the file is complete. The rolling sink names it by day.
        var file = Assert.Single(Directory.GetFiles(dir.Path, "monitoring*.log"));
        return File.ReadAllLines(file);
    }

    [Fact]
    public void The_hosts_loggers_write_the_configured_format_and_levels_to_the_file()
    {
        using var dir = new TempDir();
        var lines = LogThroughHost(dir, "Debug", logs =>
        {
            var log = logs.CreateLogger("Monitoring.Daemon");
            log.LogTrace("too fine");
            log.LogDebug("Camera {Camera}: retrying in {Delay:0.0} s", "gate", 1.5);
            log.LogWarning("Camera {Camera} is down", "gate");
            logs.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").LogInformation("kestrel chatter");
            logs.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").LogWarning("kestrel trouble");
            logs.CreateLogger("Microsoft.Hosting.Lifetime").LogInformation("Application started");
        });

        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} \[(DBG|INF|WRN)\] \S+: ", l));
        var text = string.Join('\n', lines);
        // The config's level decides alone (no second filter in Microsoft.Extensions.Logging): Debug passes, Verbose not.
        Assert.Contains("[DBG] Monitoring.Daemon: Camera gate: retrying in 1.5 s", text);
        Assert.DoesNotContain("too fine", text);
        Assert.Contains("[WRN] Monitoring.Daemon: Camera gate is down", text);
        // Microsoft.* only from Warning, except the host's lifetime messages.
        Assert.DoesNotContain("kestrel chatter", text);
        Assert.Contains("[WRN] Microsoft.AspNetCore.Server.Kestrel: kestrel trouble", text);
        Assert.Contains("[INF] Microsoft.Hosting.Lifetime: Application started", text);
    }

    [Fact]
    public void Information_level_drops_debug_and_a_masked_camera_url_reaches_the_file_without_its_secrets()
    {
        using var dir = new TempDir();
        const string url = "rtsp://admin:s3cretpw@10.1.2.3:554/live?token=t0ken";
        var lines = LogThroughHost(dir, "Information", logs =>
        {
            var log = logs.CreateLogger("Monitoring.Capture");
            log.LogDebug("not at this level");
            log.LogInformation("Camera {Camera}: opening {Url}", "gate", UriMasking.Mask(url));
        });

        var text = string.Join('\n', lines);
        Assert.DoesNotContain("not at this level", text);
        Assert.Contains("opening rtsp://***:***@10.1.2.3:554/live?token=***", text);
        Assert.DoesNotContain("s3cretpw", text);
        Assert.DoesNotContain("t0ken", text);
        Assert.Single(lines, l => Regex.IsMatch(l, @"\[INF\] Monitoring.Capture: Camera gate: opening "));
    }
}
