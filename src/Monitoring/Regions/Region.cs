namespace Monitoring.Regions;

/// <summary>
/// One connected anomalous region of a frame. <see cref="Zone"/> is the zone containing the region's peak cell
/// centre (null when the peak lies in no zone).
/// </summary>
public sealed record Region(
    PixelBox Box,
    float Peak,
    float Mean,
    int AreaCells,
    long AreaPixels,
    string? Zone);
