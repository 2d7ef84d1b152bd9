using System.Threading.Channels;

namespace Pipeline.Worker.Inference;

/// <summary>
/// Double (or n-fold) buffering of inference: <see cref="IEmbedder.BatchesInFlight"/> batch buffers, so batch k + 1 is
/// staged (and on a GPU copied to the device) while batch k computes. The caller rents a free buffer, fills it, starts
/// its run, reads the vectors when the run ends and returns the buffer; a failed or cancelled run leaves the other
/// buffers as they were, and its own buffer reusable. The worker's inference stage and the benchmark both run batches
/// through this class.
/// </summary>
internal sealed class InFlightBatches : IAsyncDisposable
{
    private readonly InferenceBatch[] _batches;
    private readonly Task[] _runs;
    private readonly Channel<InferenceBatch> _free;
    private readonly Action<TimeSpan>? _ran;

    /// <param name="capacity">Images per batch.</param>
    /// <param name="ran">Told how long each successful run took (metrics).</param>
    public InFlightBatches(IEmbedder embedder, int capacity, Action<TimeSpan>? ran = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(embedder.BatchesInFlight, 1);
        _ran = ran;
        _batches = new InferenceBatch[embedder.BatchesInFlight];
        _runs = new Task[_batches.Length];
        _free = Channel.CreateBounded<InferenceBatch>(_batches.Length);
        try
        {
            for (var i = 0; i < _batches.Length; i++)
            {
                _batches[i] = new InferenceBatch(embedder, capacity);
                _runs[i] = Task.CompletedTask;
                _free.Writer.TryWrite(_batches[i]);
            }
        }
        catch
        {
            foreach (var batch in _batches)
            {
                batch?.Dispose();
            }

            throw;
        }
    }

    /// <summary>Buffers: how many batches may be in flight at once.</summary>
    public int Count => _batches.Length;

    /// <summary>A free buffer, emptied; waits while every buffer is running or holds vectors not yet read.</summary>
    public async ValueTask<InferenceBatch> RentAsync(CancellationToken cancellationToken)
    {
        var batch = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        batch.Clear();
        return batch;
    }

    /// <summary>
    /// Starts <paramref name="batch"/>'s run on the thread pool (so the caller can stage the next batch meanwhile); the
    /// task ends when its vectors can be read, or with the run's error (<see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fired). Return the buffer afterwards either way.
    /// </summary>
    public Task RunAsync(InferenceBatch batch, CancellationToken cancellationToken)
    {
        var index = Array.IndexOf(_batches, batch);
        if (index < 0)
        {
            throw new ArgumentException("Not one of these buffers.", nameof(batch));
        }

        var run = Task.Run(
            () =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                batch.Run(cancellationToken);
                _ran?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            },
            cancellationToken);
        _runs[index] = run;
        return run;
    }

    /// <summary>Gives a buffer back once its vectors are read (or its run failed).</summary>
    public void Return(InferenceBatch batch)
    {
        if (Array.IndexOf(_batches, batch) < 0)
        {
            throw new ArgumentException("Not one of these buffers.", nameof(batch));
        }

        _free.Writer.TryWrite(batch);
    }

    /// <summary>Waits for runs still in progress (ONNX Runtime must not lose memory it is using), then frees the buffers.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Its owner saw (or abandoned) the error; here only the run's end matters.
            }
        }

        foreach (var batch in _batches)
        {
            batch.Dispose();
        }
    }
}
