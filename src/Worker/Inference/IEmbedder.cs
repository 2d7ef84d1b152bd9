namespace Pipeline.Worker.Inference;

using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;

/// <summary>The stage pipeline's inference seam: preprocessed tensors in, one pooled vector per image out.</summary>
internal interface IEmbedder
{
    /// <summary>How images are turned into tensors of <see cref="PreprocessSpec.TensorLength"/> floats each.</summary>
    PreprocessSpec Preprocess { get; }

    /// <summary>Floats per vector.</summary>
    int Width { get; }

    /// <summary>
    /// Embeds <paramref name="count"/> tensors laid end to end into <paramref name="embeddings"/> (count × width).
    /// <paramref name="inputs"/> is read in place (zero copy): it must stay unmoved, e.g. pinned, for the call.
    /// </summary>
    void Embed(ReadOnlyMemory<float> inputs, int count, Span<float> embeddings);
}
