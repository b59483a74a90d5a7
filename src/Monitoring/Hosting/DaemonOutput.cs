namespace Monitoring.Hosting;

/// <summary>Where the daemon writes its one summary line for people when the frames run out (`run`: standard output).</summary>
public sealed record DaemonOutput(TextWriter Writer);
