using Pipeline.Worker.Observability;

namespace Pipeline.Worker.Storage;

/// <summary>
/// Hands finished messages to the <see cref="IBatchSink"/> in groups of at most
/// <see cref="WorkerOptions.MaxMessagesPerCommit"/> (whatever has finished meanwhile: one transaction each).
/// </summary>
internal sealed class WriteStage(IBatchSink sink, StageChannels channels, WorkerOptions options, WorkerMetrics metrics)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = channels.Completed.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var group = new List<InFlightMessage>(options.MaxMessagesPerCommit);
            while (group.Count < options.MaxMessagesPerCommit && reader.TryRead(out var message))
            {
                group.Add(message);
            }

            await metrics.TimeAsync(WorkerStage.Write, () => CommitAsync(group, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task<int> CommitAsync(List<InFlightMessage> group, CancellationToken cancellationToken)
    {
        await sink.CommitAsync(group, cancellationToken).ConfigureAwait(false);
        return group.Count;
    }
}
