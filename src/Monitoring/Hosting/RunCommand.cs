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
using Serilog.Extensions.Logging;

namespace Monitoring.Hosting;

/// <summary><c>monitoring run --config FILE</c>: the daemon. Exit 0 on a clean stop, 2 on a bad config.</summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(string configPath)
    {
        var options = ConfigLoader.Load(configPath); // ConfigException → exit 2 in Program
        NativeLibraries.SearchDirectory = options.Native.LibraryDir is null ? null : options.ResolvePath(options.Native.LibraryDir);
        using var serilog = Logging.Create(options.Logging, options);
        using var logs = new SerilogLoggerFactory(serilog);
        var log = logs.CreateLogger("monitoring");

        var model = AnomalyModel.Load(options.ResolvePath(options.Model.Path),
            new OnnxSessionOptions(options.Model.ParsedProvider, options.Model.IntraOpThreads, CudaDeviceId: options.Model.CudaDeviceId,
                IntraOpSpinning: options.Model.IntraOpSpinning), log);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SerilogLoggerProvider(serilog));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(
            options.Pipeline.DrainSeconds + options.Capture.ReadTimeoutMs / 1000.0 + 10));
        if (options.Http.Enabled) builder.WebHost.UseUrls(options.Http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        else builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(model);
        builder.Services.AddSingleton<DaemonStatus>();
        // This host's own registry (not prometheus-net's static default one, nor its default process/.NET metrics).
        builder.Services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        builder.Services.AddSingleton<Observability.PrometheusExporter>();
        builder.Services.AddSingleton<IAlertStageFactory, AlertStageFactory>();
        builder.Services.AddHostedService<Daemon>();

        await using var app = builder.Build();
        if (options.Http.Enabled) Endpoints.Map(app);
        var status = app.Services.GetRequiredService<DaemonStatus>(); // RunAsync disposes the services when it returns
        try
        {
            await app.RunAsync();
        }
        finally
        {
            model.Dispose();
        }
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
