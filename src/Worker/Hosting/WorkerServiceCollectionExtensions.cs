using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Hosting;
using Pipeline.Common.Inference;
using Pipeline.Worker.Inference;
using Pipeline.Worker.Messaging;
using Pipeline.Worker.Observability;

namespace Pipeline.Worker.Hosting;

internal static class WorkerServiceCollectionExtensions
{
    /// <summary>The worker: shared pipeline services plus the consuming background service.</summary>
    public static IHostApplicationBuilder AddWorker(this IHostApplicationBuilder builder)
    {
        builder.AddPipelineCommon();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelFileValidator>());
        builder.Services.AddValidatedOptions<WorkerOptions, WorkerOptionsValidator>(builder.Configuration, WorkerOptions.SectionName)
            // Only 0 means "automatic": a negative value stays, so validation refuses it instead of replacing it.
            .PostConfigure<IOptions<InferenceOptions>>((worker, inference) => worker.DecodeConcurrency = worker.DecodeConcurrency != 0
                ? worker.DecodeConcurrency
                : WorkerOptions.DefaultDecodeConcurrency(inference.Value.IsGpu, inference.Value.IntraOpThreads, Environment.ProcessorCount));
        builder.Services.AddValidatedOptions<InferenceOptions, InferenceOptionsValidator>(builder.Configuration, InferenceOptions.SectionName);
        builder.Services.Configure<HostOptions>(host =>
        {
            // The host must wait for the drain; the drain deadline itself is enforced by the consumer.
            host.ShutdownTimeout = builder.Configuration.GetSection(WorkerOptions.SectionName).GetValue<TimeSpan?>(nameof(WorkerOptions.DrainTimeout))
                ?.Add(TimeSpan.FromSeconds(10)) ?? TimeSpan.FromSeconds(40);
        });
        builder.AddWorkerObservability();
        builder.Services.AddHostedService<QueueConsumer>();
        return builder;
    }
}
