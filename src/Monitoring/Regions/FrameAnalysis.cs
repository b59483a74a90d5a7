using Monitoring.Capture;

namespace Monitoring.Regions;

/// <summary>
/// One analysed frame of one camera, as the analysis stage hands it on.
/// <see cref="AnomalyMap"/> is row-major, <see cref="MapWidth"/> × <see cref="MapHeight"/>, probabilities in [0, 1].
/// <see cref="Pixels"/> is optional: present only when a snapshot may be wanted (the owner keeps its lifetime).
/// <see cref="ProfileThreshold"/> is the region threshold the camera's profile derived (used unless the config sets one);
/// <see cref="FrameTailProbability"/> the share of the camera's normal frames scoring at least <see cref="FrameScore"/>.
/// </summary>
public sealed record FrameAnalysis(
    string CameraId,
    long FrameIndex,
    DateTimeOffset Timestamp,
    float FrameScore,
    float[] AnomalyMap,
    int MapWidth,
    int MapHeight,
    int FrameWidth,
    int FrameHeight,
    FramePixels? Pixels = null,
    float? ProfileThreshold = null,
    double? FrameTailProbability = null);
