using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Configuration;

namespace Monitoring.Hosting;

/// <summary>Walking-skeleton alert stage: logs frames whose anomaly map passes the camera's threshold.</summary>
public sealed class AlertStageFactory : IAlertStageFactory
{
    public int SnapshotMaxWidth => 0;

    public IAlertStage Create(MonitoringOptions options, AnomalyModel model) => new LogStage(options);

    private sealed class LogStage(MonitoringOptions options) : IAlertStage
    {
        public async Task RunAsync(ChannelReader<AnalyzedFrame> frames, CancellationToken cancellation)
        {
            var thresholds = options.Cameras.ToDictionary(c => c.Id, c => (float)c.Threshold);
            var hits = new Dictionary<string, int>();
            await foreach (var f in frames.ReadAllAsync(cancellation))
            {
                using (f)
                {
                    if (f.Learning) continue;
                    var map = f.AnomalyMap;
                    var max = 0f;
                    foreach (var v in map) max = Math.Max(max, v);
                    if (max < thresholds[f.CameraId]) continue;
                    hits[f.CameraId] = hits.GetValueOrDefault(f.CameraId) + 1;
                    Console.WriteLine($"{f.CameraId} frame {f.Frame.Index}: score {f.Score:0.000}, peak cell {max:0.000}");
                }
            }
            foreach (var (cam, n) in hits) Console.WriteLine($"{cam}: {n} anomalous frame(s)");
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
