using Microsoft.Extensions.Hosting;

namespace Monitoring.Benchmarking;

/// <summary>The host lifetime the <see cref="Hosting.Daemon"/> asks for, without a host: StopApplication only records the request.</summary>
internal sealed class BenchLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;
    public CancellationToken ApplicationStopping => _stopping.Token;
    public CancellationToken ApplicationStopped => CancellationToken.None;
    public bool StopRequested => _stopping.IsCancellationRequested;

    public void StopApplication() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
