using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Enqueueing;

/// <summary>
/// Streams a source into batch messages: creates the job row, records images the URI policy refuses as
/// failures (they are never queued), skips images whose content is already embedded (unless forced),
/// publishes with confirms, then records the job's total.
/// Memory stays bounded by one lookup chunk and one batch, whatever the size of the source.
/// </summary>
internal sealed class Enqueuer(
    PipelineDataSource dataSource,
    JobStore jobs,
    RabbitMqConnector connector,
    UriPolicy policy,
    DatabaseRetry retry,
    IOptions<SchedulerOptions> options)
{
    private PipelineDataSource DataSource => dataSource;

    private DatabaseRetry Retry => retry;

    private JobStore Jobs => jobs;

    private UriPolicy Policy => policy;

    public async Task<EnqueueResult> RunAsync(
        IImageSource source, string modelId, bool force, int batchSize, CancellationToken cancellationToken)
    {
        ModelIdentity.ValidateId(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // Every database call waits out a restart or failover (DatabaseRetry), like the workers' commits do.
        await retry.RunAsync(token => SchemaMigrator.EnsureAsync(dataSource, token), cancellationToken).ConfigureAwait(false);
        // Broker first: an unreachable RabbitMQ then leaves no job row behind, and the job's clock starts when
        // batches can actually flow.
        var publisher = await BatchPublisher.OpenAsync(connector, modelId, cancellationToken).ConfigureAwait(false);
        await using (publisher.ConfigureAwait(false))
        {
            var jobId = Guid.CreateVersion7();
            await retry.RunAsync(token => jobs.CreateAsync(jobId, modelId, source.Description, force, token), cancellationToken).ConfigureAwait(false);
            using var leaseEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var lease = RenewLeaseAsync(jobId, leaseEnd.Token);
            try
            {
                return await EnqueueAsync(source, publisher, jobId, modelId, force, batchSize, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await leaseEnd.CancelAsync().ConfigureAwait(false);
                await lease.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Heartbeats the job row while this process enqueues, so a killed scheduler leaves an abandoned job, not a pending one.</summary>
    private async Task RenewLeaseAsync(Guid jobId, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(JobLease.Renewal, cancellationToken).ConfigureAwait(false);
            try
            {
                await jobs.HeartbeatAsync(jobId, cancellationToken).ConfigureAwait(false);
            }
            catch (Npgsql.NpgsqlException)
            {
                // A database blip: the next renewal tries again, well within the lease.
            }
        }
    }

    private async Task<EnqueueResult> EnqueueAsync(
        IImageSource source, BatchPublisher publisher, Guid jobId, string modelId, bool force, int batchSize, CancellationToken cancellationToken)
    {
        var run = new Run(this, publisher, jobId, modelId, force, batchSize);
        var chunk = new List<ImageRef>(options.Value.LookupChunk);
        await foreach (var image in source.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(image);
            if (chunk.Count == chunk.Capacity)
            {
                await run.AddChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        await run.AddChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        await run.PublishBatchAsync(cancellationToken).ConfigureAwait(false);
        await publisher.FlushAsync(cancellationToken).ConfigureAwait(false);

        var total = run.Enqueued + run.Skipped + run.Refused;
        var completed = await retry.RunAsync(
            token => jobs.MarkEnqueuedAsync(jobId, total, run.Skipped, run.Batches, token), null, cancellationToken).ConfigureAwait(false);
        return new EnqueueResult(jobId, total, run.Enqueued, run.Skipped, run.Batches, completed, run.Refused);
    }

    /// <summary>State of one enqueue run.</summary>
    private sealed class Run(Enqueuer owner, BatchPublisher publisher, Guid jobId, string modelId, bool force, int batchSize)
    {
        private List<ImageRef> _batch = new(batchSize);

        public long Enqueued { get; private set; }

        public long Skipped { get; private set; }

        public long Refused { get; private set; }

        public int Batches { get; private set; }

        public async Task AddChunkAsync(List<ImageRef> listed, CancellationToken cancellationToken)
        {
            var chunk = await RecordRefusedAsync(listed, cancellationToken).ConfigureAwait(false);
            // Only images whose identity the listing already knows can be skipped here; the worker
            // checks the rest after fetching.
            var stored = force
                ? []
                : await owner.Retry.RunAsync(
                    token => StoredContent.GetAsync(owner.DataSource, modelId, [.. chunk.Where(i => i.ContentId is not null).Select(i => i.Uri)], token),
                    null,
                    cancellationToken).ConfigureAwait(false);
            foreach (var image in chunk)
            {
                if (image.ContentId is not null && stored.TryGetValue(image.Uri, out var id) && id == image.ContentId)
                {
                    Skipped++;
                    continue;
                }

                _batch.Add(image);
                Enqueued++;
                if (_batch.Count == batchSize)
                {
                    await PublishBatchAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // The workers check again; refusing here keeps refused URIs off the queue and shows them in status at once.
        private async Task<List<ImageRef>> RecordRefusedAsync(List<ImageRef> chunk, CancellationToken cancellationToken)
        {
            List<FailedImage> refused = [];
            List<ImageRef> allowed = new(chunk.Count);
            foreach (var image in chunk)
            {
                try
                {
                    owner.Policy.Check(image.Uri);
                    allowed.Add(image);
                }
                catch (ImageFailureException ex)
                {
                    refused.Add(new FailedImage(image.Uri, ex.Reason, ex.Message));
                }
            }

            await owner.Retry.RunAsync(token => owner.Jobs.RecordEnqueueFailuresAsync(jobId, refused, token), cancellationToken).ConfigureAwait(false);
            Refused += refused.Count;
            return allowed;
        }

        public async Task PublishBatchAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count == 0)
            {
                return;
            }

            await publisher.PublishAsync(new BatchMessage(jobId, Batches, modelId, force, _batch), cancellationToken).ConfigureAwait(false);
            Batches++;
            _batch = new List<ImageRef>(batchSize);
        }
    }
}
