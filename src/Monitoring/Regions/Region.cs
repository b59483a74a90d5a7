namespace Monitoring.Regions;

/// <summary>
/// One connected anomalous region of a frame. <see cref="Zone"/> is the zone containing the region's peak cell
/// centre (null when the peak lies in no zone). <see cref="Trigger"/> says which rule found it.
/// </summary>
public sealed record Region(
    PixelBox Box,
    float Peak,
    float Mean,
    int AreaCells,
    long AreaPixels,
    string? Zone,
    RegionTrigger Trigger = RegionTrigger.Map);

/// <summary>Why a region was reported.</summary>
public enum RegionTrigger
{
    /// <summary>Its cells reached the map threshold (the camera's, or its zone's).</summary>
    Map,
    /// <summary>
    /// The frame score was improbable for the camera (tail probability at or below the camera's frame tail threshold) while no
    /// cell reached the map threshold: the region is the cells that carry the score (decision 0020).
    /// </summary>
    FrameScore,
}
