namespace Pipeline.Benchmarks.Inference;

using System.Diagnostics;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;

/// <summary>
/// The model's limit: full batches of real, already preprocessed images through the backbone (cut head, pooling,
/// L2), nothing else running. The session is set up as the worker sets up its own.
/// </summary>
internal static class InferenceBenchmark
{
    public static Throughput Run(Backbone backbone, IReadOnlyList<byte[]> images, int batchSize, TimeSpan duration)
    {
        var spec = backbone.Preprocess;
        var preprocessor = new ImagePreprocessor();
        var inputs = new float[batchSize * spec.TensorLength];
        for (var i = 0; i < batchSize; i++)
        {
            preprocessor.DecodeInto(images[i % images.Count], spec, inputs.AsSpan(i * spec.TensorLength, spec.TensorLength));
        }

        var outputs = new float[batchSize * backbone.Width];
        ReadOnlyMemory<float> batch = inputs;
        backbone.Embed(batch, batchSize, outputs); // warm-up: first runs allocate ONNX Runtime's arenas
        backbone.Embed(batch, batchSize, outputs);

        var stopwatch = Stopwatch.StartNew();
        var embedded = 0L;
        while (stopwatch.Elapsed < duration)
        {
            backbone.Embed(batch, batchSize, outputs);
            embedded += batchSize;
        }

        return new Throughput(embedded, stopwatch.Elapsed);
    }
}
