namespace Monitoring.Analysis;

/// <summary>A normality profile that cannot be used (missing, unreadable, or learned with another model).</summary>
public sealed class ProfileException(string message, Exception? inner = null) : Exception(message, inner);
