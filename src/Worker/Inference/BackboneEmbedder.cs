using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;

namespace Pipeline.Worker.Inference;

/// <summary>The production <see cref="IEmbedder"/>: the cut ONNX backbone with its pooling and L2 normalisation.</summary>
/// <param name="batchesInFlight">Batch buffers (<see cref="InferenceOptions.BatchesInFlight"/>).</param>
internal sealed class BackboneEmbedder(Backbone backbone, int batchesInFlight) : IEmbedder
{
    public PreprocessSpec Preprocess => backbone.Preprocess;

    public int Width => backbone.Width;

    public int BatchesInFlight => batchesInFlight;

    public IBatchBuffer CreateBuffer(int capacity) => new Buffer(backbone.CreateBatch(capacity));

    private sealed class Buffer(BackboneBatch batch) : IBatchBuffer
    {
        public Span<float> Inputs => batch.Inputs;

        public void Run(int count, Span<float> embeddings, CancellationToken cancellationToken) => batch.Run(count, embeddings, cancellationToken);

        public void Dispose() => batch.Dispose();
    }
}
