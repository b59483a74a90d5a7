namespace Monitoring.Delivery;

/// <summary>The result of one delivery attempt.</summary>
public readonly record struct DeliveryOutcome(DeliveryResult Result, string Detail, TimeSpan? RetryAfter = null)
{
    /// <summary>2xx: delivered. 408/409/425/429/5xx, timeouts and network errors: retry. Other statuses (3xx, 4xx): permanent.</summary>
    public static DeliveryResult Classify(int status) => status switch
    {
        >= 200 and < 300 => DeliveryResult.Delivered,
        408 or 409 or 425 or 429 or >= 500 => DeliveryResult.Retry,
        _ => DeliveryResult.Permanent,
    };
}
