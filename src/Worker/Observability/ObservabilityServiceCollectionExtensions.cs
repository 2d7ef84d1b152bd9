namespace Pipeline.Worker.Observability;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Common;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Metrics, readiness and their HTTP listener; call before the consumer is added so the listener starts first.</summary>
    public static IHostApplicationBuilder AddWorkerObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .BindKnown(builder.Configuration.GetSection(MetricsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddSingleton<WorkerReadiness>();
        builder.Services.AddHostedService<ObservabilityServer>();
        return builder;
    }
}
