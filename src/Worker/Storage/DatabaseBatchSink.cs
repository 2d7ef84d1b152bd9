using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.Worker.Observability;

namespace Pipeline.Worker.Storage;

/// <summary>
/// The production commit behind <see cref="IBatchSink"/>: one transaction per group of messages (a lost database is
/// waited out up to its tolerance, a row refused as data is split off, <see cref="EmbeddingWriter.CommitIsolatingAsync"/>),
/// and asks for the HNSW index build (<see cref="IndexBuilder"/>) when a commit completes a job. Acking is the
/// messaging edge's part, after this returns (<c>Messaging/SettlingBatchSink</c>).
/// </summary>
internal sealed class DatabaseBatchSink(
    EmbeddingWriter writer,
    IndexBuilder indexes,
    DatabaseRetry retry,
    WorkerMetrics metrics,
    ILogger logger,
    CancellationToken indexStop)
{

    public async Task CommitAsync(IReadOnlyList<InFlightMessage> messages, CancellationToken cancellationToken)
    {
        using var scope = LogScopes.Commit(logger, messages);
        var outcomes = messages.Select(m => m.ToOutcome()).ToList();
        var completedJobs = await retry.RunAsync(
            token => writer.CommitIsolatingAsync(outcomes, OnRefused, token),
            (ex, delay, attempt) => Log.DatabaseRetry(logger, ex, delay, attempt),
            cancellationToken).ConfigureAwait(false);
        metrics.Committed(outcomes);
        Log.Committed(logger, messages.Count, outcomes.Sum(o => o.Embedded.Count));
        foreach (var job in completedJobs)
        {
            Log.JobCompleted(logger, job);
            indexes.Request(indexStop);
        }
    }

    private void OnRefused(BatchOutcome batch, FailedImage image) =>
        Log.ImageFailed(logger, image.Reason, batch.JobId, ImageUri.Redact(StoredText.Clean(image.Uri)), image.Message);
}
