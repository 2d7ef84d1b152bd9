using Pipeline.Common;
using Pipeline.Common.Decoding;
using Pipeline.Worker.Observability;

namespace Pipeline.Worker.Decoding;

/// <summary>Decodes and preprocesses in parallel (CPU bound: one decoder per core by default).</summary>
internal sealed class DecodeStage(
    ImagePreprocessor preprocessor, PreprocessSpec spec, TensorPool tensors, StageChannels channels, WorkerMetrics metrics, ILogger logger)
{
    public Task RunAsync(int concurrency, CancellationToken cancellationToken) =>
        StageWorkers.RunAsync(concurrency, DecodeLoopAsync, channels.Infer.Writer, cancellationToken);

    private async Task DecodeLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var work in channels.Decode.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            using var scope = LogScopes.Message(logger, work.Item.Message.Message);
            if (work.Item.Message.IsAbandoned)
            {
                work.Image.Release();
                continue;
            }

            var tensor = tensors.Rent();
            try
            {
                metrics.Time(WorkerStage.Decode, () => preprocessor.DecodeInto(work.Image.Data.Span, spec, tensor));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A decoder exception nobody classified (OpenCV's own, say) is this image's failure too.
                tensors.Return(tensor);
                var failure = ex as ImageFailureException ?? Outcomes.Unexpected("decoding", ex);
                await Outcomes.FailAsync(channels, logger, work.Item, failure, cancellationToken).ConfigureAwait(false);
                continue;
            }
            finally
            {
                work.Image.Release();
            }

            await channels.Infer.Writer.WriteAsync(new DecodedWork(work.Item, work.Image.ContentId, tensor), cancellationToken).ConfigureAwait(false);
        }
    }
}
