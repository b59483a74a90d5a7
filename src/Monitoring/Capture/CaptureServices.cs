using Microsoft.Extensions.DependencyInjection;
using Monitoring.Configuration;

namespace Monitoring.Capture;

public static class CaptureServices
{
    /// <summary>
    /// Capture: the "capture" and "pipeline" sections and the <see cref="CameraSources"/> (which need the
    /// <see cref="FrameSizes"/> the composition registers: the model's input size, whether snapshots keep pixels).
    /// </summary>
    public static IServiceCollection AddCapture(this IServiceCollection services, MonitoringOptions options)
    {
        services.AddSection(options.Capture, new CaptureOptionsValidator());
        services.AddSection(options.Pipeline, new PipelineOptionsValidator());
        services.AddSingleton<CameraSources>();
        return services;
    }
}
