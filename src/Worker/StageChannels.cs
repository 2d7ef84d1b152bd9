using System.Threading.Channels;

namespace Pipeline.Worker;

/// <summary>
/// The bounded queues between stages. Every one is bounded, so a slow stage pushes back all the way
/// to the broker (prefetch) instead of buffering images in memory.
/// </summary>
internal sealed class StageChannels(WorkerOptions options)
{
    public Channel<WorkItem> Fetch { get; } = Bounded<WorkItem>(options.InferenceBatchSize * 2);

    public Channel<FetchedWork> Decode { get; } = Bounded<FetchedWork>(options.EffectiveDecodeConcurrency * 2);

    public Channel<DecodedWork> Infer { get; } = Bounded<DecodedWork>(options.InferenceBatchSize * 2);

    /// <summary>Never more than the prefetch count of messages are in flight, so this never blocks for long.</summary>
    public Channel<InFlightMessage> Completed { get; } = Bounded<InFlightMessage>(options.EffectivePrefetch + 1);

    private static Channel<T> Bounded<T>(int capacity) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
}
