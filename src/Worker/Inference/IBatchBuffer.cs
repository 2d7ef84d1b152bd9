namespace Pipeline.Worker.Inference;

/// <summary>One batch's pinned inputs and its run (production: <see cref="Common.Inference.BackboneBatch"/>).</summary>
internal interface IBatchBuffer : IDisposable
{
    /// <summary>Capacity × <see cref="Common.Decoding.PreprocessSpec.TensorLength"/> floats; tensor i at i × TensorLength.</summary>
    Span<float> Inputs { get; }

    /// <summary>Embeds the first <paramref name="count"/> tensors into <paramref name="embeddings"/> (count × width floats).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired during the run.</exception>
    void Run(int count, Span<float> embeddings, CancellationToken cancellationToken);
}
