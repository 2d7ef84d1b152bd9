namespace Pipeline.Worker.Storage;

using Microsoft.Extensions.Logging;
using Npgsql;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.Worker.Messaging;
using Pipeline.Worker.Observability;

/// <summary>
/// Commits finished messages in groups (one transaction each) and acks them only afterwards.
/// A lost database is retried with back-off up to the configured tolerance, then the worker fails loudly;
/// a row the database refuses as data is split off and recorded as the image's failure (<see cref="EmbeddingWriter.CommitIsolatingAsync"/>).
/// </summary>
internal sealed class WriteStage(
    EmbeddingWriter writer,
    PipelineDataSource dataSource,
    MessageSettler settler,
    StageChannels channels,
    WorkerOptions options,
    DatabaseRetry retry,
    WorkerMetrics metrics,
    ILogger logger)
{
    private readonly List<Task> _indexBuilds = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var group = new List<InFlightMessage>(options.MaxMessagesPerCommit);
        var reader = channels.Completed.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (group.Count < options.MaxMessagesPerCommit && reader.TryRead(out var message))
            {
                group.Add(message);
            }

            using var scope = LogScopes.Commit(logger, group);
            var outcomes = group.Select(m => m.ToOutcome()).ToList();
            var completedJobs = await metrics.TimeAsync(WorkerStage.Write, () => CommitWithRetryAsync(outcomes, cancellationToken)).ConfigureAwait(false);
            metrics.Committed(outcomes);
            foreach (var message in group)
            {
                await settler.AckAsync(message, cancellationToken).ConfigureAwait(false);
            }

            Log.Committed(logger, group.Count, outcomes.Sum(o => o.Embedded.Count));
            foreach (var job in completedJobs)
            {
                _indexBuilds.Add(BuildIndexAsync(job, cancellationToken));
            }

            group.Clear();
        }

        await Task.WhenAll(_indexBuilds).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<Guid>> CommitWithRetryAsync(List<BatchOutcome> outcomes, CancellationToken cancellationToken) =>
        retry.RunAsync(
            token => writer.CommitIsolatingAsync(outcomes, OnRefused, token),
            (ex, delay, attempt) => Log.DatabaseRetry(logger, ex, delay, attempt),
            cancellationToken);

    private void OnRefused(BatchOutcome batch, FailedImage image) =>
        Log.ImageFailed(logger, image.Reason, batch.JobId, ImageUri.Redact(StoredText.Clean(image.Uri)), image.Message);

    private async Task BuildIndexAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            await EmbeddingIndex.EnsureAsync(dataSource, writer.ModelId, cancellationToken).ConfigureAwait(false);
            Log.JobCompleted(logger, jobId);
        }
        catch (NpgsqlException ex)
        {
            Log.IndexFailed(logger, ex);
        }
    }
}
