namespace Monitoring.Configuration;

/// <summary>A command line the command cannot act on (a missing file, a value out of range): exit code 2, the message on one line.</summary>
public sealed class UsageException(string message) : Exception(message);
