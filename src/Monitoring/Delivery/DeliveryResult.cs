namespace Monitoring.Delivery;

public enum DeliveryResult
{
    Delivered,
    Retry,
    Permanent,
}
