using Monitoring.Capture;
using Monitoring.Regions;

namespace Monitoring.Snapshots;

/// <summary>
/// What to render: the frame, and when <see cref="Annotated"/> the heatmap of the anomaly map (row-major,
/// <see cref="MapWidth"/> × <see cref="MapHeight"/>) blended over it and the boxes (source pixels) drawn on it.
/// </summary>
public sealed record SnapshotRequest(
    FramePixels Frame,
    bool Annotated,
    ReadOnlyMemory<float> AnomalyMap,
    int MapWidth,
    int MapHeight,
    IReadOnlyList<PixelBox> Boxes);
