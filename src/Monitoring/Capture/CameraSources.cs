using Microsoft.Extensions.Logging;
using Monitoring.Configuration;

namespace Monitoring.Capture;

/// <summary>One <see cref="CameraSource"/> per enabled camera of the config, in config order: what capture hands to analysis.</summary>
public sealed class CameraSources(IReadOnlyList<CameraSource> sources)
{
    public CameraSources(MonitoringOptions options, FrameSizes sizes, ILoggerFactory logs)
        : this(options.Cameras.Where(c => c.Enabled)
            .Select(c => new CameraSource(c, options.Capture, options.Pipeline, sizes.GreyWidth, sizes.GreyHeight, sizes.MaxSnapshotWidth,
                logs.CreateLogger($"camera.{c.Id}")))
            .ToList())
    {
    }

    public IReadOnlyList<CameraSource> All { get; } = sources;
}
