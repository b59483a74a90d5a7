using Monitoring.Capture;

namespace Monitoring.Observability;

/// <summary>What /healthz, /readyz and /metrics read: the running sources and whether the pipeline is up.</summary>
public sealed class DaemonStatus
{
    private volatile IReadOnlyList<CameraSource> _sources = [];
    public IReadOnlyList<CameraSource> Sources { get => _sources; set => _sources = value; }
    public volatile bool PipelineRunning;
    public DateTimeOffset StartedUtc { get; } = DateTimeOffset.UtcNow;
    public string ModelVersion { get; set; } = "";

    /// <summary>Why the pipeline stopped the host, when it failed (a profile of another model, a camera config the
    /// analyser refuses): <c>run</c> then exits 1 with this message instead of 0.</summary>
    public Exception? Failure { get; set; }
}
