using Monitoring.Capture;

namespace Monitoring.Hosting;

/// <summary>What /healthz, /readyz and /metrics read: the running sources and whether the pipeline is up.</summary>
public sealed class DaemonStatus
{
    private volatile IReadOnlyList<CameraSource> _sources = [];
    public IReadOnlyList<CameraSource> Sources { get => _sources; set => _sources = value; }
    public volatile bool PipelineRunning;
    public DateTimeOffset StartedUtc { get; } = DateTimeOffset.UtcNow;
    public string ModelVersion { get; set; } = "";
}
