namespace Pipeline.Worker.Inference;

/// <summary>
/// One batch buffer as the worker runs it: decoded image tensors copied once into consecutive slots of the buffer's
/// pinned input memory (page-locked under CUDA), which ONNX Runtime reads in place (no second copy of the batch), and
/// the pooled, L2-normalised vectors read back per slot. <see cref="InFlightBatches"/> keeps one per batch in flight;
/// the benchmark's "inference alone" runs the same classes, so it measures the worker's path.
/// </summary>
internal sealed class InferenceBatch : IDisposable
{
    private readonly IBatchBuffer _buffer;
    private readonly int _tensorLength;
    private readonly int _width;
    private readonly float[] _embeddings;

    /// <param name="capacity">Images per batch (<see cref="WorkerOptions.InferenceBatchSize"/>).</param>
    public InferenceBatch(IEmbedder embedder, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _tensorLength = embedder.Preprocess.TensorLength;
        _width = embedder.Width;
        Capacity = capacity;
        _buffer = embedder.CreateBuffer(capacity);
        _embeddings = new float[capacity * _width];
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    /// <summary>Copies one preprocessed image (<see cref="Common.Decoding.PreprocessSpec.TensorLength"/> floats) into the next slot.</summary>
    public void Add(ReadOnlySpan<float> tensor)
    {
        if (Count == Capacity)
        {
            throw new InvalidOperationException($"The batch holds {Capacity} images already.");
        }

        tensor[.._tensorLength].CopyTo(_buffer.Inputs.Slice(Count * _tensorLength, _tensorLength));
        Count++;
    }

    /// <summary>Runs the staged images; <see cref="Embedding"/> then reads their vectors.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired during the run.</exception>
    public void Run(CancellationToken cancellationToken)
    {
        if (Count > 0)
        {
            _buffer.Run(Count, _embeddings.AsSpan(0, Count * _width), cancellationToken);
        }
    }

    /// <summary>The vector of slot <paramref name="index"/> after <see cref="Run"/> (<see cref="IEmbedder.Width"/> floats).</summary>
    public ReadOnlySpan<float> Embedding(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _embeddings.AsSpan(index * _width, _width);
    }

    /// <summary>Empties the batch for the next images (the buffers are kept).</summary>
    public void Clear() => Count = 0;

    public void Dispose() => _buffer.Dispose();
}
