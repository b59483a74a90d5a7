using Monitoring.Capture;

namespace Monitoring.Regions;

/// <summary>
/// One analysed frame of one camera, as the analysis stage hands it on.
/// <see cref="AnomalyMap"/> is row-major, <see cref="MapWidth"/> × <see cref="MapHeight"/>, probabilities in [0, 1].
/// <see cref="Pixels"/> is optional: present only when a snapshot may be wanted (the owner keeps its lifetime).
/// <see cref="ProfileThreshold"/> is the region threshold the camera's profile derived (used unless the config sets one);
/// <see cref="FrameTailProbability"/> the share of the camera's normal frames scoring at least <see cref="FrameScore"/>.
/// Frame-score alerts (decision 0020) need <see cref="Attention"/> (the model's attention over the cells, same layout as the
/// map: which cells carry the score), <see cref="FrameTailThreshold"/> (the profile's; the config may override it) and
/// <see cref="ScoreSettled"/>: true once the frame score's window holds no frame whose own window was still padding
/// (after a stream start or reconnect the padded past inflates the first scores).
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
    double? FrameTailProbability = null,
    float[]? Attention = null,
    double? FrameTailThreshold = null,
    bool ScoreSettled = false);
