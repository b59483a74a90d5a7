namespace Monitoring.Web;

/// <summary>What is blended over a live frame for viewers.</summary>
public enum FrameOverlay
{
    /// <summary>The anomaly map (per-cell probability), as in the snapshots.</summary>
    Heatmap = 0,
    /// <summary>The model's spatial attention (softmax over the cells), scaled to its maximum.</summary>
    Attention = 1,
    /// <summary>The frame with its region boxes only.</summary>
    None = 2,
}

public static class FrameOverlays
{
    public const int Count = 3;

    /// <summary>"heatmap" (default, also for null or empty), "attention", "none"; anything else is null.</summary>
    public static FrameOverlay? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "heatmap" => FrameOverlay.Heatmap,
        "attention" => FrameOverlay.Attention,
        "none" => FrameOverlay.None,
        _ => null,
    };
}
