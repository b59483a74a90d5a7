namespace Monitoring.Delivery;

/// <summary>
/// Exponential backoff with full jitter: after the n-th failed attempt wait a uniformly random time in
/// [0, min(cap, base × 2^(n-1))]. A Retry-After from the receiver (429/503) replaces it.
/// </summary>
public sealed class RetrySchedule(TimeSpan @base, TimeSpan cap)
{
    public TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } after) return after < TimeSpan.Zero ? TimeSpan.Zero : after;
        double ceiling = Math.Min(cap.TotalSeconds, @base.TotalSeconds * Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 62)));
        return TimeSpan.FromSeconds(Random.Shared.NextDouble() * ceiling);
    }
}
