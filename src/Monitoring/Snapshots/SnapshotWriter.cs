using Monitoring.Configuration;
using Monitoring.Events;
using Monitoring.Regions;

namespace Monitoring.Snapshots;

/// <summary>
/// Renders and stores the snapshots of "new" and "update" messages whose frame carries pixels, and returns the
/// message with <see cref="AlertMessage.Snapshot"/> set. "end" messages and frames without pixels pass unchanged.
/// A rendering failure is the caller's to log; the message must still be emitted without a snapshot.
/// </summary>
public sealed class SnapshotWriter(ISnapshotRenderer renderer, SnapshotStore store, SnapshotOptions options)
{
    /// <summary>The folder the snapshot files go to (full path).</summary>
    public string DirectoryPath => store.DirectoryPath;

    public AlertMessage Attach(AlertMessage message, FrameAnalysis frame)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(frame);
        if (!options.Enabled || message.Type == AlertLifecycle.End || frame.Pixels is null) return message;
        var boxes = message.Regions.Select(r => r.Box).ToArray();
        string? annotated = null, clean = null;
        if (options.Annotated)
        {
            var jpeg = renderer.RenderJpeg(new SnapshotRequest(frame.Pixels, true, frame.AnomalyMap, frame.MapWidth, frame.MapHeight, boxes));
            annotated = Link(store.Save(message.EventId, message.Sequence, "annotated", jpeg));
        }
        if (options.Clean)
        {
            var jpeg = renderer.RenderJpeg(new SnapshotRequest(frame.Pixels, false, ReadOnlyMemory<float>.Empty, 0, 0, []));
            clean = Link(store.Save(message.EventId, message.Sequence, "clean", jpeg));
        }
        return message with { Snapshot = new SnapshotLinks(annotated, clean) };
    }

    private string Link(string path) =>
        string.IsNullOrEmpty(options.UrlPrefix) ? path : options.UrlPrefix + Uri.EscapeDataString(Path.GetFileName(path));
}
