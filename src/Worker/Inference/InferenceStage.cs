namespace Pipeline.Worker.Inference;

using Pipeline.Common.Storage;
using Pipeline.Worker.Decoding;
using Pipeline.Worker.Observability;

/// <summary>
/// Fills inference batches across messages and runs the backbone. A partial batch waits at most
/// <see cref="WorkerOptions.BatchFlushDelay"/> so a trickle of images is not held back.
/// </summary>
internal sealed class InferenceStage(
    IEmbedder backbone, TensorPool tensors, StageChannels channels, WorkerOptions options, WorkerMetrics metrics, TimeProvider time)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.InferenceBatchSize;
        var staged = new InferenceBatch(backbone, batchSize);
        var batch = new List<DecodedWork>(batchSize);
        var reader = channels.Infer.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await FillAsync(batch, batchSize, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    continue;
                }

                staged.Clear();
                foreach (var work in batch)
                {
                    staged.Add(work.Tensor);
                    tensors.Return(work.Tensor);
                }

                metrics.BatchFilled(batch.Count, batchSize);
                metrics.Time(WorkerStage.Inference, staged.Run);
                for (var i = 0; i < batch.Count; i++)
                {
                    var work = batch[i];
                    var vector = staged.Embedding(i).ToArray();
                    var outcome = new ItemOutcome(new EmbeddedImage(work.Item.Image.Uri, work.ContentId, vector), null);
                    await Outcomes.CompleteAsync(channels, work.Item, outcome, cancellationToken).ConfigureAwait(false);
                }

                batch.Clear();
            }
        }
        finally
        {
            channels.Completed.Writer.TryComplete();
        }
    }

    private async Task FillAsync(List<DecodedWork> batch, int batchSize, CancellationToken cancellationToken)
    {
        var reader = channels.Infer.Reader;
        DrainAvailable(batch, batchSize);
        if (batch.Count == 0 || batch.Count >= batchSize)
        {
            return;
        }

        using var timer = new CancellationTokenSource(options.BatchFlushDelay, time);
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            while (batch.Count < batchSize && await reader.WaitToReadAsync(flush.Token).ConfigureAwait(false))
            {
                DrainAvailable(batch, batchSize);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Flush delay elapsed: run the partial batch.
        }
    }

    private void DrainAvailable(List<DecodedWork> batch, int batchSize)
    {
        while (batch.Count < batchSize && channels.Infer.Reader.TryRead(out var work))
        {
            if (work.Item.Message.IsAbandoned)
            {
                tensors.Return(work.Tensor);
                continue;
            }

            batch.Add(work);
        }
    }
}
