namespace Pipeline.Worker.Storage;

using Microsoft.Extensions.Logging;
using Npgsql;
using Pipeline.Common.Storage;
using Pipeline.Worker.Messaging;
using Pipeline.Worker.Observability;

/// <summary>
/// Commits finished messages in groups (one transaction each) and acks them only afterwards.
/// A lost database is retried with back-off up to the configured tolerance, then the worker fails loudly.
/// </summary>
internal sealed class WriteStage(
    EmbeddingWriter writer,
    IndexBuilder indexes,
    MessageSettler settler,
    StageChannels channels,
    WorkerOptions options,
    DatabaseRetry retry,
    WorkerMetrics metrics,
    ILogger logger)
{
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
                Log.JobCompleted(logger, job);
                indexes.Request(cancellationToken);
            }

            group.Clear();
        }

        await indexes.WhenIdleAsync().ConfigureAwait(false);
    }

    private Task<IReadOnlyList<Guid>> CommitWithRetryAsync(List<BatchOutcome> outcomes, CancellationToken cancellationToken) =>
        retry.RunAsync(
            token => writer.CommitAsync(outcomes, token),
            (ex, delay, attempt) => Log.DatabaseRetry(logger, ex, delay, attempt),
            cancellationToken);
}
