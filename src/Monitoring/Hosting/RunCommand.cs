using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Configuration;
using Monitoring.Native;
using Monitoring.Inference;
using Monitoring.Observability;

namespace Monitoring.Hosting;

/// <summary><c>monitoring run --config FILE</c>: the daemon. Exit 0 on a clean stop, 2 on a bad config.</summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(string configPath)
    {
        var options = ConfigLoader.Load(configPath); // ConfigException → exit 2 in Program
        NativeLibraries.SearchDirectory = options.Native.LibraryDir is null ? null : options.ResolvePath(options.Native.LibraryDir);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // Serilog is the host's logging (Serilog.Extensions.Hosting): every ILogger of the host, Kestrel and the daemon
        // writes to it, at the config's level, and the host disposes (flushes) it last when it stops.
        builder.Logging.ClearProviders();
        builder.Services.AddMonitoringLogging(options.Logging, options);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(
            options.Pipeline.DrainSeconds + options.Capture.ReadTimeoutMs / 1000.0 + 10));
        if (options.Http.Enabled) builder.WebHost.UseUrls(options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        else builder.WebHost.UseUrls("http://127.0.0.1:0");
        // The stages, each registering what it needs (PipelineServices.AddPipeline); the model is the container's
        // (disposed with the host, after the daemon that uses it) and is resolved below, before the host starts.
        builder.Services.AddPipeline(options, Console.Out);
        builder.Services.AddWeb(options);
        Web.Dashboard.AddDashboard(builder.Services, options);
        builder.Services.AddHostedService(services => services.GetRequiredService<Daemon>());

        await using var app = builder.Build();
        app.Services.GetRequiredService<AnomalyModel>(); // a missing or wrong model fails here, before anything listens
        if (options.Http.Enabled) Endpoints.Map(app);
        var status = app.Services.GetRequiredService<DaemonStatus>(); // RunAsync disposes the services when it returns
        await app.RunAsync();
        if (status.Failure is { } failure)
        {
            // The host logged the failure with its stack; the exit code and this line tell a supervisor (systemd) and
            // a person at the terminal that the daemon did not run.
            Console.Error.WriteLine($"monitoring run: the pipeline failed: {failure.Message}");
            return 1;
        }
        return 0;
    }
}
