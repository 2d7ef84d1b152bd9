using Pipeline.Common.Decoding;
using Pipeline.Common.Sources;
using Pipeline.Worker.Decoding;
using Pipeline.Worker.Fetching;
using Pipeline.Worker.Inference;
using Pipeline.Worker.Observability;
using Pipeline.Worker.Storage;

namespace Pipeline.Worker.Stages;

/// <summary>
/// The worker's stages over bounded channels: fetch (concurrent I/O) → decode + preprocess (one per core) →
/// batch across messages and embed (<see cref="IEmbedder"/>) → write (<see cref="IBatchSink"/>). A message is
/// handed to the sink when every image has an outcome; one that meets an outage is abandoned mid-flight (its
/// other images are dropped wherever they are) and returned to the sink once. Knows nothing of the broker or
/// the database: those are behind the two seams.
/// </summary>
internal sealed class StagePipeline : IDisposable
{
    private readonly StageChannels _channels;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _abort = new();

    /// <param name="time">Drives the batch flush delay and the drain deadline.</param>
    public StagePipeline(
        IImageFetcher fetcher, ImagePreprocessor preprocessor, IEmbedder embedder, IBatchSink sink,
        WorkerOptions options, WorkerMetrics metrics, TimeProvider time, ILogger logger)
    {
        _time = time;
        _channels = new StageChannels(options);
        // Enough tensors for everything the bounded stages can hold at once: none is allocated in steady state.
        var tensors = new TensorPool(embedder.Preprocess.TensorLength, (3 * options.InferenceBatchSize) + options.EffectiveDecodeConcurrency);
        tensors.Prefill();
        var token = _abort.Token;
        Completion = Task.WhenAll(
            AbortOthersOnFaultAsync(new FetchStage(fetcher, _channels, sink, metrics, logger).RunAsync(options.FetchConcurrency, token)),
            AbortOthersOnFaultAsync(
                new DecodeStage(preprocessor, embedder.Preprocess, tensors, _channels, metrics, logger).RunAsync(options.EffectiveDecodeConcurrency, token)),
            AbortOthersOnFaultAsync(Task.Run(() => new InferenceStage(embedder, tensors, _channels, options, metrics, time).RunAsync(token), token)),
            AbortOthersOnFaultAsync(new WriteStage(sink, _channels, options, metrics).RunAsync(token)));
    }

    /// <summary>Ends when every stage has ended: after <see cref="DrainAsync"/>, or with the error of a stage that died.</summary>
    public Task Completion { get; }

    /// <summary>Takes a delivered message in: images already up to date are skipped, the rest go to the fetchers.</summary>
    /// <remarks>Waits while the pipeline is full: that back-pressure is what keeps memory bounded.</remarks>
    public async ValueTask AcceptAsync(InFlightMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        if (message.Message.Items.Count == 0)
        {
            await _channels.Completed.Writer.WriteAsync(message, linked.Token).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < message.Message.Items.Count; i++)
        {
            var item = new WorkItem(message, i, message.Message.Items[i]);
            if (message.IsUpToDate(item.Image.Uri, item.Image.ContentId))
            {
                await Outcomes.CompleteAsync(_channels, item, ItemOutcome.Skipped, linked.Token).ConfigureAwait(false);
            }
            else
            {
                await _channels.Fetch.Writer.WriteAsync(item, linked.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// No more messages come: lets what is in flight finish (a partial batch runs at once) within <paramref name="deadline"/>,
    /// measured on the pipeline's clock; past it, every stage stops and unfinished messages are left to the caller.
    /// </summary>
    /// <returns>False when the deadline passed first.</returns>
    public async Task<bool> DrainAsync(TimeSpan deadline)
    {
        using var timer = new CancellationTokenSource(deadline, _time);
        await using var registration = timer.Token.Register(_abort.Cancel).ConfigureAwait(false);
        _channels.Fetch.Writer.TryComplete();
        try
        {
            await Completion.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return false;
        }
    }

    // A stage that dies stops the others: they could otherwise wait for ever on a full channel it no longer reads,
    // and Completion (which waits for all of them) would never report the error.
    private async Task AbortOthersOnFaultAsync(Task stage)
    {
        try
        {
            await stage.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops every stage now (a stage died, or the host gave up).</summary>
    public void Abort() => _abort.Cancel();

    public void Dispose()
    {
        _abort.Cancel();
        _abort.Dispose();
    }
}
