namespace Pipeline.Worker;


/// <summary>The stage pipeline's output seam: where finished messages go, and where a message goes back for a later attempt.</summary>
internal interface IBatchSink
{
    /// <summary>Makes the messages' outcomes durable (idempotently), then acknowledges them.</summary>
    Task CommitAsync(IReadOnlyList<InFlightMessage> messages, CancellationToken cancellationToken);

    /// <summary>Returns a message that met an outage, already abandoned by the pipeline, for another attempt later.</summary>
    ValueTask RetryLaterAsync(InFlightMessage message, string error, CancellationToken cancellationToken);
}
