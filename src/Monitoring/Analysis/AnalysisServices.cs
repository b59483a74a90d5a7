using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Monitoring.Configuration;
using Monitoring.Inference;

namespace Monitoring.Analysis;

public static class AnalysisServices
{
    /// <summary>
    /// Analysis: the "model" section, the <see cref="AnomalyModel"/> (loaded from it through the host's logging and disposed
    /// with the container, unless one was registered already, as bench does), the <see cref="Analyser"/>, its
    /// <see cref="PipelineMetrics"/> and its output, the <see cref="ScoredFrameChannel"/>.
    /// </summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, MonitoringOptions options)
    {
        services.AddSection(options.Model, new ModelOptionsValidator(options.ResolvePath));
        services.TryAddSingleton(sp => AnomalyModel.Load(options.ResolvePath(options.Model.Path),
            new OnnxSessionOptions(ExecutionProviders.Parse(options.Model.Provider), options.Model.IntraOpThreads, CudaDeviceId: options.Model.CudaDeviceId,
                IntraOpSpinning: options.Model.IntraOpSpinning), sp.GetRequiredService<ILoggerFactory>().CreateLogger("monitoring")));
        services.AddSingleton<ScoredFrameChannel>();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton<Analyser>();
        return services;
    }
}
