namespace Pipeline.Benchmarks.Inference;

using System.Diagnostics;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Worker.Inference;

/// <summary>
/// The model's limit: full batches of real, already preprocessed images through the worker's own batch path
/// (<see cref="InferenceBatch"/>: each decoded tensor copied once into the pinned batch, the zero-copy run, cut head,
/// pooling, L2), nothing else running. The session is set up as the worker sets up its own.
/// </summary>
internal static class InferenceBenchmark
{
    public static Throughput Run(Backbone backbone, IReadOnlyList<byte[]> images, int batchSize, TimeSpan duration)
    {
        var spec = backbone.Preprocess;
        var preprocessor = new ImagePreprocessor();
        // Decoded tensors as the decode stage leaves them (one array per image), staged per batch as the worker does.
        var tensors = new float[Math.Min(batchSize, images.Count)][];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = new float[spec.TensorLength];
            preprocessor.DecodeInto(images[i], spec, tensors[i]);
        }

        var batch = new InferenceBatch(new BackboneEmbedder(backbone), batchSize);
        RunOne(batch, tensors); // warm-up: first runs allocate ONNX Runtime's arenas
        RunOne(batch, tensors);

        var stopwatch = Stopwatch.StartNew();
        var embedded = 0L;
        while (stopwatch.Elapsed < duration)
        {
            RunOne(batch, tensors);
            embedded += batchSize;
        }

        return new Throughput(embedded, stopwatch.Elapsed);
    }

    private static void RunOne(InferenceBatch batch, float[][] tensors)
    {
        batch.Clear();
        for (var i = 0; i < batch.Capacity; i++)
        {
            batch.Add(tensors[i % tensors.Length]);
        }

        batch.Run();
    }
}
