using System.Diagnostics;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Worker.Inference;

namespace Pipeline.Benchmarks.Inference;

/// <summary>
/// The model's limit: full batches of real, already preprocessed images through the worker's own batch path
/// (<see cref="InFlightBatches"/> of <see cref="InferenceBatch"/>: each decoded tensor copied once into a pinned batch
/// buffer, the zero-copy run, in-graph pooling, L2, the vectors read back; the worker's number of buffers,
/// so the next batch is staged while one runs), nothing else running. The session is set up as the worker sets up its own.
/// </summary>
internal static class InferenceBenchmark
{
    /// <param name="batchesInFlight">The worker's <see cref="InferenceOptions.EffectiveBatchesInFlight"/>.</param>
    public static Throughput Run(Backbone backbone, IReadOnlyList<byte[]> images, int batchSize, int batchesInFlight, TimeSpan duration) =>
        RunAsync(backbone, images, batchSize, batchesInFlight, duration).GetAwaiter().GetResult();

    private static async Task<Throughput> RunAsync(Backbone backbone, IReadOnlyList<byte[]> images, int batchSize, int batchesInFlight, TimeSpan duration)
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

        var buffers = new InFlightBatches(new BackboneEmbedder(backbone, batchesInFlight), batchSize);
        await using (buffers.ConfigureAwait(false))
        {
            // Warm-up: the first runs of each buffer allocate ONNX Runtime's arenas.
            await RunForAsync(buffers, tensors, batches: 2 * batchesInFlight, TimeSpan.MaxValue).ConfigureAwait(false);
            var stopwatch = Stopwatch.StartNew();
            var embedded = await RunForAsync(buffers, tensors, int.MaxValue, duration).ConfigureAwait(false);
            return new Throughput(embedded, stopwatch.Elapsed);
        }
    }

    // As the inference stage: rent a free buffer, stage, start its run; read the oldest batch's vectors when all are busy.
    private static async Task<long> RunForAsync(InFlightBatches buffers, float[][] tensors, int batches, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var running = new Queue<(InferenceBatch Batch, Task Run)>();
        var embedded = 0L;
        for (var started = 0; started < batches && stopwatch.Elapsed < duration; started++)
        {
            if (running.Count == buffers.Count)
            {
                embedded += await FinishAsync(buffers, running.Dequeue()).ConfigureAwait(false);
            }

            var batch = await buffers.RentAsync(CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Capacity; i++)
            {
                batch.Add(tensors[i % tensors.Length]);
            }

            running.Enqueue((batch, buffers.RunAsync(batch, CancellationToken.None)));
        }

        while (running.Count > 0)
        {
            embedded += await FinishAsync(buffers, running.Dequeue()).ConfigureAwait(false);
        }

        return embedded;
    }

    private static async Task<int> FinishAsync(InFlightBatches buffers, (InferenceBatch Batch, Task Run) running)
    {
        await running.Run.ConfigureAwait(false);
        for (var i = 0; i < running.Batch.Count; i++)
        {
            _ = running.Batch.Embedding(i).ToArray();
        }

        var count = running.Batch.Count;
        buffers.Return(running.Batch);
        return count;
    }
}
