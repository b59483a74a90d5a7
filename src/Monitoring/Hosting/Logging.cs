using Microsoft.Extensions.DependencyInjection;
using Monitoring.Configuration;
using Serilog;
using Serilog.Events;

namespace Monitoring.Hosting;

/// <summary>
/// Serilog set-up: console (standard error) and a daily rolling file when configured, level from config. The daemon
/// takes it through the host (<see cref="AddMonitoringLogging"/>); the one-shot commands wrap <see cref="Create"/>'s
/// logger themselves.
/// </summary>
public static class Logging
{
    private const string Template = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static Serilog.Core.Logger Create(LoggingOptions? options, MonitoringOptions? root = null)
    {
        var level = Enum.TryParse<LogEventLevel>(options?.Level ?? "Information", true, out var l) ? l : LogEventLevel.Information;
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: Template, standardErrorFromLevel: LogEventLevel.Verbose);
        if (!string.IsNullOrWhiteSpace(options?.File))
        {
            var path = root?.ResolvePath(options.File) ?? options.File;
            config = config.WriteTo.File(path, outputTemplate: Template, rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: options.RetainedFiles, fileSizeLimitBytes: 100L << 20, rollOnFileSizeLimit: true);
        }
        return config.CreateLogger();
    }

    /// <summary>
    /// Makes <see cref="Create"/>'s logger the host's logging (Serilog.Extensions.Hosting): ILoggerFactory and ILogger&lt;T&gt;
    /// write to it, filtered by its levels alone, and the container disposes (flushes) it when the host is disposed.
    /// </summary>
    public static IServiceCollection AddMonitoringLogging(this IServiceCollection services, LoggingOptions options, MonitoringOptions? root = null) =>
        services.AddSection(options, new LoggingOptionsValidator()).AddSerilog(Create(options, root), dispose: true);
}
