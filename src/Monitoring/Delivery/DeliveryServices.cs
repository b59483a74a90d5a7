using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitoring.Configuration;

namespace Monitoring.Delivery;

public static class DeliveryServices
{
    /// <summary>
    /// Delivery: the <see cref="AlertSinks"/> — with webhooks configured the <see cref="SqliteOutbox"/> (alerts.outbox.path,
    /// relative to the config file) and its <see cref="WebhookDeliverer"/>; with alerts.jsonlPath the
    /// <see cref="JsonLinesFileSink"/>; always the <see cref="LoggingSink"/>. Webhook secrets are those <see cref="ConfigLoader"/>
    /// read. The alerts section itself is registered and validated by the alerting stage.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, MonitoringOptions options)
    {
        var alerts = options.Alerts;
        services.AddSingleton<LoggingSink>();
        if (alerts.Webhooks.Length > 0)
        {
            services.AddSingleton(_ => WebhookEndpoint.FromOptions(alerts));
            services.AddSingleton(sp => new SqliteOutbox(options.ResolvePath(alerts.Outbox.Path), sp.GetRequiredService<IReadOnlyList<WebhookEndpoint>>()));
            services.AddSingleton(_ => new DeliveryMetrics()); // its own meter, as the exporter reads it
            services.AddSingleton(sp => new WebhookDeliverer(sp.GetRequiredService<SqliteOutbox>(), sp.GetRequiredService<IReadOnlyList<WebhookEndpoint>>(),
                alerts.Outbox, sp.GetRequiredService<ILogger<WebhookDeliverer>>(), sp.GetRequiredService<DeliveryMetrics>()));
        }
        if (!string.IsNullOrWhiteSpace(alerts.JsonlPath))
            services.AddSingleton(_ => new JsonLinesFileSink(options.ResolvePath(alerts.JsonlPath), alerts.JsonlMaxBytes, alerts.JsonlKeepFiles));
        // An IAlertSink registered by another part (the dashboard's timeline) hears every message after the others.
        services.AddSingleton(sp => new AlertSinks(sp.GetRequiredService<LoggingSink>(), sp.GetService<SqliteOutbox>(), sp.GetService<JsonLinesFileSink>(),
            sp.GetService<IAlertSink>()));
        return services;
    }
}
