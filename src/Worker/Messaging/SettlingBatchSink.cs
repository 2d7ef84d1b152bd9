using Pipeline.Worker.Storage;

namespace Pipeline.Worker.Messaging;

/// <summary>
/// The worker's <see cref="IBatchSink"/>: commits through storage, then acks each message (never before its rows are
/// committed); a message that met an outage goes to its next retry queue. Stages hand messages to this seam and never
/// talk to the broker themselves: messaging stays at the edge.
/// </summary>
internal sealed class SettlingBatchSink(DatabaseBatchSink storage, MessageSettler settler) : IBatchSink
{
    public async Task CommitAsync(IReadOnlyList<InFlightMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await storage.CommitAsync(messages, cancellationToken).ConfigureAwait(false);
        foreach (var message in messages)
        {
            await settler.AckAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask RetryLaterAsync(InFlightMessage message, string error, CancellationToken cancellationToken) =>
        settler.RetryLaterAsync(message, error, cancellationToken);
}
