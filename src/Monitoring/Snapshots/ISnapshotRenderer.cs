namespace Monitoring.Snapshots;

/// <summary>Encodes a snapshot as JPEG (implemented with the OpenCV binding; tests use a trivial one).</summary>
public interface ISnapshotRenderer
{
    byte[] RenderJpeg(SnapshotRequest request);
}
