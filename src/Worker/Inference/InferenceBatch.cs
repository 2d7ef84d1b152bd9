namespace Pipeline.Worker.Inference;

using Pipeline.Common.Inference;

/// <summary>
/// One batch as the worker runs it: decoded image tensors copied once into consecutive slots of a pinned array, which
/// ONNX Runtime reads in place through the zero-copy <see cref="IEmbedder.Embed"/> (<see cref="Backbone.Embed(ReadOnlyMemory{float}, int, Span{float})"/>)
/// (no second copy of the batch), and the pooled, L2-normalised vectors read back per slot. The benchmark's
/// "inference alone" runs this same class, so it measures the worker's path.
/// </summary>
internal sealed class InferenceBatch
{
    private readonly IEmbedder _backbone;
    private readonly int _tensorLength;
    private readonly float[] _inputs;
    private readonly float[] _embeddings;

    /// <param name="capacity">Images per batch (<see cref="WorkerOptions.InferenceBatchSize"/>).</param>
    public InferenceBatch(IEmbedder backbone, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _backbone = backbone;
        _tensorLength = backbone.Preprocess.TensorLength;
        Capacity = capacity;
        // Pinned: ONNX Runtime keeps a pointer to it for the whole run, and the GC must not move it meanwhile.
        _inputs = GC.AllocateUninitializedArray<float>(capacity * _tensorLength, pinned: true);
        _embeddings = new float[capacity * backbone.Width];
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

        tensor[.._tensorLength].CopyTo(_inputs.AsSpan(Count * _tensorLength, _tensorLength));
        Count++;
    }

    /// <summary>Runs the staged images; <see cref="Embedding"/> then reads their vectors.</summary>
    public void Run() => _backbone.Embed(_inputs.AsMemory(0, Count * _tensorLength), Count, _embeddings.AsSpan(0, Count * _backbone.Width));

    /// <summary>The vector of slot <paramref name="index"/> after <see cref="Run"/> (<see cref="IEmbedder.Width"/> floats).</summary>
    public ReadOnlySpan<float> Embedding(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _embeddings.AsSpan(index * _backbone.Width, _backbone.Width);
    }

    /// <summary>Empties the batch for the next images (the buffers are kept).</summary>
    public void Clear() => Count = 0;
}
