using Monitoring.Analysis;
using Monitoring.Regions;

namespace Monitoring.Alerting;

/// <summary>
/// Sees every analysed frame as the alert stage reads it (read-only; the stage still owns and disposes the frame).
/// Called on the stage's task: an implementation must return quickly and copy what it keeps.
/// </summary>
public interface IFrameObserver
{
    /// <param name="regions">The frame's regions (empty while the camera learns or its window warms up).</param>
    void Observe(ScoredFrame frame, IReadOnlyList<Region> regions);
}
