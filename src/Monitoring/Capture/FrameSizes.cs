namespace Monitoring.Capture;

/// <summary>What each <see cref="CameraSource"/> makes of a decoded frame: the model's grey size, and the widest BGR copy kept for snapshots (0 = none, int.MaxValue = the source's size).</summary>
public sealed record FrameSizes(int GreyWidth, int GreyHeight, int MaxSnapshotWidth);
