using System.Threading.Channels;
using Pipeline.Common.Storage;
using Pipeline.Worker.Decoding;
using Pipeline.Worker.Observability;

namespace Pipeline.Worker.Inference;

/// <summary>
/// Fills inference batches across messages and runs the backbone, <see cref="IEmbedder.BatchesInFlight"/> batches at
/// a time: while batch k runs, batch k + 1 is filled and staged into the other buffer, and batch k − 1's vectors go
/// on to the write stage. A partial batch waits at most <see cref="WorkerOptions.BatchFlushDelay"/> so a trickle of
/// images is not held back. Outcomes leave in batch order.
/// </summary>
internal sealed class InferenceStage(
    IEmbedder backbone, TensorPool tensors, StageChannels channels, WorkerOptions options, WorkerMetrics metrics, TimeProvider time)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.InferenceBatchSize;
        var buffers = new InFlightBatches(backbone, batchSize, elapsed => metrics.Observe(WorkerStage.Inference, elapsed));
        await using (buffers.ConfigureAwait(false))
        {
            // Room for every buffer: the filling loop is only ever held back by a free buffer.
            var running = Channel.CreateBounded<RunningBatch>(buffers.Count);
            // A failed run ends the emitting loop with its error; the filling loop must then stop waiting for buffers.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var emitting = EmitAsync(buffers, running.Reader, stop, cancellationToken);
            try
            {
                await FillAndStartAsync(buffers, running.Writer, batchSize, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                running.Writer.TryComplete();
                try
                {
                    await emitting.ConfigureAwait(false);
                }
                finally
                {
                    channels.Completed.Writer.TryComplete();
                }
            }
        }
    }

    private async Task FillAndStartAsync(InFlightBatches buffers, ChannelWriter<RunningBatch> running, int batchSize, CancellationToken cancellationToken)
    {
        var reader = channels.Infer.Reader;
        var batch = new List<DecodedWork>(batchSize);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            await FillAsync(batch, batchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                continue;
            }

            var staged = await buffers.RentAsync(cancellationToken).ConfigureAwait(false);
            var items = new WorkItem[batch.Count];
            var contentIds = new string[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                staged.Add(batch[i].Tensor);
                tensors.Return(batch[i].Tensor);
                items[i] = batch[i].Item;
                contentIds[i] = batch[i].ContentId;
            }

            metrics.BatchFilled(batch.Count, batchSize);
            batch.Clear();
            var run = buffers.RunAsync(staged, cancellationToken);
            await running.WriteAsync(new RunningBatch(staged, items, contentIds, run), cancellationToken).ConfigureAwait(false);
        }
    }

    // In batch order: waits for each run, hands its vectors on, frees its buffer for the filling loop.
    private async Task EmitAsync(InFlightBatches buffers, ChannelReader<RunningBatch> running, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        try
        {
            await EmitInOrderAsync(buffers, running, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task EmitInOrderAsync(InFlightBatches buffers, ChannelReader<RunningBatch> running, CancellationToken cancellationToken)
    {
        await foreach (var done in running.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await done.Run.ConfigureAwait(false);
                for (var i = 0; i < done.Items.Length; i++)
                {
                    var item = done.Items[i];
                    var vector = done.Batch.Embedding(i).ToArray();
                    var outcome = new ItemOutcome(new EmbeddedImage(item.Image.Uri, done.ContentIds[i], vector), null);
                    await Outcomes.CompleteAsync(channels, item, outcome, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                buffers.Return(done.Batch);
            }
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

    private sealed record RunningBatch(InferenceBatch Batch, WorkItem[] Items, string[] ContentIds, Task Run);
}
