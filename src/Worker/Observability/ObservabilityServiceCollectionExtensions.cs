using Pipeline.Common;

namespace Pipeline.Worker.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Metrics, readiness and their Kestrel endpoints; call before the consumer is added so they start first and stop last.</summary>
    public static IHostApplicationBuilder AddWorkerObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(builder.Configuration, MetricsOptions.SectionName);
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddSingleton<WorkerReadiness>();
        builder.Services.AddHostedService<ObservabilityServer>();
        // Probes and scrapes come every few seconds: ASP.NET Core's per-request lines would drown the worker's own.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return builder;
    }
}
