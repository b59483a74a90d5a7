namespace Monitoring.Events;

/// <summary>Where the snapshots of one message lie (a file path, or a URL when a URL prefix is configured).</summary>
public sealed record SnapshotLinks(string? Annotated, string? Clean);
