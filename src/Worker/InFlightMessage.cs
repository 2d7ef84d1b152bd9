using Pipeline.Common.Messaging;
using Pipeline.Common.Storage;

namespace Pipeline.Worker;

/// <summary>
/// A delivered message while its images travel through the stages. It completes when every image
/// has an outcome; only then are its rows written and the message acked.
/// </summary>
internal sealed class InFlightMessage
{
    private readonly ItemOutcome[] _outcomes;
    private int _remaining;
    private int _abandoned;

    public InFlightMessage(
        BatchMessage message, ulong deliveryTag, IReadOnlyDictionary<string, string> stored, ReadOnlyMemory<byte> body = default, int attempt = 0)
    {
        Message = message;
        DeliveryTag = deliveryTag;
        Stored = stored;
        Body = body;
        Attempt = attempt;
        _outcomes = new ItemOutcome[message.Items.Count];
        _remaining = message.Items.Count;
    }

    public BatchMessage Message { get; }

    public ulong DeliveryTag { get; }

    /// <summary>The message as delivered, republished unchanged when it is retried later.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Earlier attempts that met a transient error (0 on first delivery).</summary>
    public int Attempt { get; }

    /// <summary>uri → content identity already stored for this model (empty when forced).</summary>
    public IReadOnlyDictionary<string, string> Stored { get; }

    public bool IsAbandoned => Volatile.Read(ref _abandoned) == 1;

    /// <summary>True when the stored vector is current and the image need not be embedded again.</summary>
    public bool IsUpToDate(string uri, string? contentId) =>
        !Message.Force && contentId is not null && Stored.TryGetValue(uri, out var stored) && stored == contentId;

    /// <returns>True for the call that completed the message.</returns>
    public bool Complete(int index, ItemOutcome outcome)
    {
        _outcomes[index] = outcome;
        return Interlocked.Decrement(ref _remaining) == 0 && !IsAbandoned;
    }

    /// <returns>True for the first caller: it alone returns the message to the queue.</returns>
    public bool Abandon() => Interlocked.Exchange(ref _abandoned, 1) == 0;

    public BatchOutcome ToOutcome()
    {
        var embedded = new List<EmbeddedImage>();
        var failed = new List<FailedImage>();
        var skipped = 0;
        foreach (var outcome in _outcomes)
        {
            if (outcome.Embedded is { } e)
            {
                embedded.Add(e);
            }
            else if (outcome.Failed is { } f)
            {
                failed.Add(f);
            }
            else
            {
                skipped++;
            }
        }

        return new BatchOutcome(Message.JobId, Message.BatchNo, embedded, skipped, failed);
    }
}
