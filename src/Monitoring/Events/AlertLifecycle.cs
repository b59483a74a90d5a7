namespace Monitoring.Events;

/// <summary>The lifecycle of an event conversation; serialised as "new", "update", "end".</summary>
public enum AlertLifecycle
{
    New,
    Update,
    End,
}
