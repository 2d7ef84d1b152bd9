using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Common;
using Pipeline.Common.Decoding;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.UnitTests.Decoding;
using Pipeline.Worker;
using Pipeline.Worker.Inference;
using Pipeline.Worker.Observability;
using Pipeline.Worker.Stages;

namespace Pipeline.UnitTests.Worker;

/// <summary>
/// The worker's stages alone: real decoding of in-memory images, an embedder that records its batches, a sink that
/// records commits, and a fake clock for the flush delay and the drain deadline.
/// </summary>
public sealed class StagePipelineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private static readonly byte[] Photo = TestImages.Png(TestImages.Card(64, 48));

    private readonly FakeTimeProvider _time = new();
    private readonly MemoryFetcher _fetcher = new();
    private readonly RecordingEmbedder _embedder = new();
    private readonly RecordingSink _sink = new();
    private StagePipeline? _pipeline;

    public void Dispose()
    {
        _pipeline?.Dispose();
        _embedder.Dispose();
    }

    private StagePipeline Start(int batchSize = 4, TimeSpan? flushDelay = null)
    {
        var options = new WorkerOptions
        {
            InferenceBatchSize = batchSize,
            BatchFlushDelay = flushDelay ?? TimeSpan.FromMilliseconds(50),
            FetchConcurrency = 4,
            DecodeConcurrency = 2,
            Prefetch = 8,
        };
        _pipeline = new StagePipeline(_fetcher, new ImagePreprocessor(), _embedder, _sink, options, new WorkerMetrics(), _time, new CollectingLogger());
        return _pipeline;
    }

    private static InFlightMessage Message(int batchNo, params string[] uris) =>
        new(new BatchMessage(Guid.Empty, batchNo, "m", Force: false, [.. uris.Select(u => new ImageRef(u, null))]), (ulong)batchNo, new Dictionary<string, string>());

    private string Good(string name)
    {
        _fetcher.Add(name, Photo);
        return name;
    }

    [Fact]
    public async Task AcceptAsync_TwoHalfMessages_FillOneInferenceBatchAcrossMessages()
    {
        var pipeline = Start(batchSize: 4);

        // The fake clock never moves: only a full batch can run, so one batch of four proves the filling.
        await pipeline.AcceptAsync(Message(0, Good("a"), Good("b")), CancellationToken.None);
        await pipeline.AcceptAsync(Message(1, Good("c"), Good("d")), CancellationToken.None);
        var committed = await _sink.TakeAsync(2);

        Assert.Equal([4], _embedder.Batches);
        Assert.Equal([0, 1], committed.Select(m => m.Message.BatchNo).Order());
        Assert.All(committed, m => Assert.Equal(2, m.ToOutcome().Embedded.Count));
    }

    [Fact]
    public async Task AcceptAsync_PartialBatch_RunsOnlyOnceTheFlushDelayHasPassed()
    {
        var pipeline = Start(batchSize: 4, flushDelay: TimeSpan.FromSeconds(5));

        await pipeline.AcceptAsync(Message(0, Good("a")), CancellationToken.None);
        await _fetcher.WaitForFetchesAsync(1);
        // Decoded and waiting for company: nothing runs while the clock stands still.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Empty(_embedder.Batches);
        Assert.Equal(0, _sink.Count);

        using var patience = new CancellationTokenSource(Patience);
        while (_sink.Count == 0)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20, patience.Token);
        }

        Assert.Equal([1], _embedder.Batches);
    }

    [Fact]
    public async Task AcceptAsync_OddImagesBesideGoodOnes_EachFailsAloneAndTheMessageIsCommitted()
    {
        var pipeline = Start(batchSize: 2);
        _fetcher.Add("throws", new InvalidOperationException("a bug in some library"));
        _fetcher.Add("not-an-image", new byte[] { 1, 2, 3, 4 });
        _fetcher.Add("missing", new ImageFailureException(FailureReason.NotFound, "missing does not exist"));

        await pipeline.AcceptAsync(Message(0, Good("a"), "throws", "not-an-image", Good("b"), "missing"), CancellationToken.None);
        var committed = Assert.Single(await _sink.TakeAsync(1));

        var outcome = committed.ToOutcome();
        Assert.Equal(["a", "b"], outcome.Embedded.Select(e => e.Uri).Order());
        Assert.Equal(
            [("missing", FailureReason.NotFound), ("not-an-image", FailureReason.Undecodable), ("throws", FailureReason.Unexpected)],
            outcome.Failed.Select(f => (f.Uri, f.Reason)).OrderBy(f => f.Uri, StringComparer.Ordinal));
        Assert.Contains("InvalidOperationException", outcome.Failed.Single(f => f.Uri == "throws").Message, StringComparison.Ordinal);
        Assert.Empty(_sink.Returned);
    }

    [Fact]
    public async Task AcceptAsync_OutageMidMessage_MessageAbandonedReturnedOnceAndItsNeighbourCommitted()
    {
        var pipeline = Start(batchSize: 2);
        _fetcher.Add("outage-1", new ImageSourceUnavailableException("blob service unavailable"));
        _fetcher.Add("outage-2", new ImageSourceUnavailableException("blob service unavailable"));

        await pipeline.AcceptAsync(Message(0, Good("a"), "outage-1", Good("b"), "outage-2", Good("c")), CancellationToken.None);
        await pipeline.AcceptAsync(Message(1, Good("d"), Good("e")), CancellationToken.None);
        // Dropped images of the abandoned message can leave a partial batch behind: let the flush delay pass.
        var committed = Assert.Single(await _sink.TakeAsync(1, () => _time.Advance(TimeSpan.FromMilliseconds(50))));
        Assert.True(await pipeline.DrainAsync(Patience));

        Assert.Equal(1, committed.Message.BatchNo);
        var (returned, error) = Assert.Single(_sink.Returned);
        Assert.Equal(0, returned.Message.BatchNo);
        Assert.True(returned.IsAbandoned);
        Assert.Equal("blob service unavailable", error);
        Assert.Equal(1, _sink.Count);
    }

    [Fact]
    public async Task DrainAsync_MessagesInFlight_FinishWithoutTheFlushDelayAndTheStagesEnd()
    {
        var pipeline = Start(batchSize: 8, flushDelay: TimeSpan.FromSeconds(10));

        await pipeline.AcceptAsync(Message(0, Good("a"), Good("b")), CancellationToken.None);
        await pipeline.AcceptAsync(Message(1, Good("c")), CancellationToken.None);
        var drained = await pipeline.DrainAsync(TimeSpan.FromMinutes(1)).WaitAsync(Patience);

        Assert.True(drained);
        Assert.True(pipeline.Completion.IsCompletedSuccessfully);
        Assert.Equal(2, _sink.Count);
        Assert.Equal(3, _embedder.Batches.Sum());
    }

    [Fact]
    public async Task DrainAsync_InferenceStuckPastTheDeadline_GivesUpAndCommitsNothing()
    {
        var pipeline = Start(batchSize: 1);
        _embedder.Hold();

        await pipeline.AcceptAsync(Message(0, Good("a")), CancellationToken.None);
        await _embedder.WaitUntilCalledAsync();
        var drain = pipeline.DrainAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(31));
        _embedder.Release();

        Assert.False(await drain.WaitAsync(Patience));
        Assert.Equal(0, _sink.Count);
    }

    [Fact]
    public async Task AcceptAsync_FirstBatchStillRunning_SecondBatchIsStagedAndStartedInTheOtherBuffer()
    {
        var pipeline = Start(batchSize: 1);
        _embedder.Hold();

        await pipeline.AcceptAsync(Message(0, Good("a")), CancellationToken.None);
        Assert.True(await _embedder.WaitUntilCalledAsync());
        await pipeline.AcceptAsync(Message(1, Good("b")), CancellationToken.None);
        // Two batches in flight: the second run starts while the first is held.
        Assert.True(await _embedder.WaitUntilCalledAsync());
        _embedder.Release();
        var committed = await _sink.TakeAsync(2);

        Assert.Equal([1, 1], _embedder.Batches);
        Assert.Equal([0, 1], committed.Select(m => m.Message.BatchNo).Order());
    }

    [Fact]
    public async Task DrainAsync_EmbedderThrows_SurfacesItsErrorAndCommitsNothing()
    {
        var pipeline = Start(batchSize: 1);
        _embedder.FailWith(new InvalidOperationException("inference broke"));

        await pipeline.AcceptAsync(Message(0, Good("a")), CancellationToken.None);
        await pipeline.AcceptAsync(Message(1, Good("b")), CancellationToken.None);
        Assert.True(await _embedder.WaitUntilCalledAsync());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.DrainAsync(TimeSpan.FromMinutes(1)).WaitAsync(Patience));
        Assert.Equal("inference broke", error.Message);
        Assert.Equal(0, _sink.Count);
    }

    [Fact]
    public async Task Completion_EmbedderThrowsWhileEveryChannelIsFull_EndsWithItsError()
    {
        var pipeline = Start(batchSize: 1);
        _embedder.FailWith(new InvalidOperationException("inference broke"));

        // Far more than the channels hold: the decoders and fetchers end up waiting on full channels behind the dead stage.
        var accepting = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await pipeline.AcceptAsync(Message(i, Good($"m{i}")), CancellationToken.None);
            }
        });
        Assert.True(await _embedder.WaitUntilCalledAsync());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.Completion.WaitAsync(Patience));
        Assert.Equal("inference broke", error.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting.WaitAsync(Patience));
        Assert.Equal(0, _sink.Count);
    }

    /// <summary>Image bytes (or an exception) by URI, as a fetcher would return them.</summary>
    private sealed class MemoryFetcher : IImageFetcher
    {
        private readonly ConcurrentDictionary<string, object> _images = new();
        private int _fetches;

        public void Add(string uri, object bytesOrException) => _images[uri] = bytesOrException;

        public async Task WaitForFetchesAsync(int count)
        {
            using var patience = new CancellationTokenSource(Patience);
            while (Volatile.Read(ref _fetches) < count)
            {
                await Task.Delay(10, patience.Token);
            }
        }

        public ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _fetches);
            return _images[uri] switch
            {
                byte[] bytes => ValueTask.FromResult(new FetchedImage(uri, "sha256:" + uri, bytes)),
                Exception exception => ValueTask.FromException<FetchedImage>(exception),
                _ => throw new InvalidOperationException(),
            };
        }
    }

    /// <summary>Width 2: the tensor's mean and the batch's size; records every batch, and can be held mid-batch.</summary>
    private sealed class RecordingEmbedder : IEmbedder, IDisposable
    {
        private readonly ConcurrentQueue<int> _batches = new();
        private readonly ManualResetEventSlim _open = new(initialState: true);
        private readonly SemaphoreSlim _called = new(0);

        public PreprocessSpec Preprocess { get; } = TestImages.Squash(16);

        public int Width => 2;

        public int BatchesInFlight => 2;

        public IReadOnlyList<int> Batches => [.. _batches];

        private Exception? _failure;

        public void Hold() => _open.Reset();

        public void FailWith(Exception failure) => _failure = failure;

        public void Release() => _open.Set();

        public Task<bool> WaitUntilCalledAsync() => _called.WaitAsync(Patience);

        public void Dispose()
        {
            _open.Dispose();
            _called.Dispose();
        }

        public IBatchBuffer CreateBuffer(int capacity) => new Buffer(this, capacity * Preprocess.TensorLength);

        private void Embed(ReadOnlySpan<float> inputs, int count, Span<float> embeddings)
        {
            _called.Release();
            _open.Wait(Patience);
            if (_failure is { } failure)
            {
                throw failure;
            }

            var length = Preprocess.TensorLength;
            for (var i = 0; i < count; i++)
            {
                var sum = 0f;
                foreach (var value in inputs.Slice(i * length, length))
                {
                    sum += value;
                }

                embeddings[i * 2] = sum / length;
                embeddings[(i * 2) + 1] = count;
            }

            _batches.Enqueue(count);
        }

        private sealed class Buffer(RecordingEmbedder owner, int length) : IBatchBuffer
        {
            private readonly float[] _inputs = new float[length];

            public Span<float> Inputs => _inputs;

            public void Run(int count, Span<float> embeddings, CancellationToken cancellationToken) => owner.Embed(_inputs, count, embeddings);

            public void Dispose()
            {
            }
        }
    }

    /// <summary>Records committed and returned messages.</summary>
    private sealed class RecordingSink : IBatchSink
    {
        private readonly Channel<InFlightMessage> _committed = Channel.CreateUnbounded<InFlightMessage>();
        private readonly ConcurrentQueue<(InFlightMessage, string)> _returned = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IReadOnlyList<(InFlightMessage Message, string Error)> Returned => [.. _returned];

        /// <param name="tick">Called while waiting, e.g. to move a fake clock past flush delays.</param>
        public async Task<List<InFlightMessage>> TakeAsync(int count, Action? tick = null)
        {
            using var patience = new CancellationTokenSource(Patience);
            var taken = new List<InFlightMessage>();
            while (taken.Count < count)
            {
                if (_committed.Reader.TryRead(out var message))
                {
                    taken.Add(message);
                    continue;
                }

                tick?.Invoke();
                await Task.Delay(10, patience.Token);
            }

            return taken;
        }

        public Task CommitAsync(IReadOnlyList<InFlightMessage> messages, CancellationToken cancellationToken)
        {
            foreach (var message in messages)
            {
                Interlocked.Increment(ref _count);
                _committed.Writer.TryWrite(message);
            }

            return Task.CompletedTask;
        }

        public ValueTask RetryLaterAsync(InFlightMessage message, string error, CancellationToken cancellationToken)
        {
            _returned.Enqueue((message, error));
            return ValueTask.CompletedTask;
        }
    }
}
