using Microsoft.Extensions.Options;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;

namespace Pipeline.Worker.Inference;

/// <summary>
/// <c>Pipeline.Worker.dll --check-gpu</c>: loads the configured model on the configured execution provider, runs one
/// full batch, prints the provider inference actually ran on and exits, without touching RabbitMQ or Postgres.
/// For checking a node or an image: exit 0 when the configured provider runs, <see cref="WorkerExitCodes.GpuUnavailable"/>
/// when it does not (also when <c>CpuFallback</c> fell back to the CPU).
/// </summary>
internal static class GpuCheck
{
    public const string Flag = "--check-gpu";

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var inference = services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        var batchSize = services.GetRequiredService<IOptions<WorkerOptions>>().Value.InferenceBatchSize;
        var modelFiles = services.GetRequiredService<ModelFileCache>();
        var spec = await modelFiles.ResolveAsync(services.GetRequiredService<IOptions<ModelOptions>>().Value.ToSpec(), cancellationToken)
            .ConfigureAwait(false);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GpuCheck).FullName!);
        try
        {
            using var backbone = Backbone.Load(spec, ExecutionProviders.BackboneOptions(inference, batchSize, logger));
            backbone.WarmUp(batchSize);
            var configured = ExecutionProviders.Describe(inference);
            await output.WriteLineAsync($"execution provider: {backbone.ExecutionProvider} (configured: {configured})").ConfigureAwait(false);
            await output.WriteLineAsync($"model {backbone.ModelId}: {backbone.Width} dims, batch of {batchSize} ran").ConfigureAwait(false);
            using (var probe = backbone.CreateBatch(1))
            {
                var memory = probe.IsPageLocked ? "page-locked (CudaPinned)" : "pinned managed memory";
                await output.WriteLineAsync(
                    $"batch buffers: {inference.EffectiveBatchesInFlight} in flight, {memory}, IoBinding {(probe.UsesIoBinding ? "on" : "off")}, " +
                    $"runs {(backbone.RunsBatchesConcurrently ? "concurrent" : "one at a time")}").ConfigureAwait(false);
            }

            return backbone.ExecutionProvider == configured ? WorkerExitCodes.Success : WorkerExitCodes.GpuUnavailable;
        }
        catch (GpuUnavailableException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return WorkerExitCodes.GpuUnavailable;
        }
    }
}
