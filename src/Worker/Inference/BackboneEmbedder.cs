namespace Pipeline.Worker.Inference;

using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;

/// <summary>The production <see cref="IEmbedder"/>: the cut ONNX backbone with its pooling and L2 normalisation.</summary>
internal sealed class BackboneEmbedder(Backbone backbone) : IEmbedder
{
    public PreprocessSpec Preprocess => backbone.Preprocess;

    public int Width => backbone.Width;

    public void Embed(ReadOnlyMemory<float> inputs, int count, Span<float> embeddings) => backbone.Embed(inputs, count, embeddings);
}
