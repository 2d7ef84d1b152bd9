using System.Diagnostics;
using Pipeline.Benchmarks.EndToEnd;
using Pipeline.Common.Storage;

namespace Pipeline.Benchmarks.Storage;

/// <summary>
/// The worker's bulk write path alone (<see cref="EmbeddingWriter"/>: COPY into staging, merge, batch bookkeeping), with
/// the worker's commit shape: messages of <c>BatchSize</c> images, up to 16 messages per transaction.
/// </summary>
internal static class WriteBenchmark
{
    private const int MessagesPerCommit = 16;

    public static async Task<Throughput> RunAsync(BenchContext context, int rows, int dims, CancellationToken cancellationToken)
    {
        var modelId = context.NewModelId("write");
        var batchSize = context.Options.BatchSize;
        try
        {
            await SchemaMigrator.EnsureAsync(context.DataSource, cancellationToken);
            var identity = new ModelIdentity(modelId, new string('0', 64), "bench", "avg", dims);
            await ModelRegistry.EnsureAsync(context.DataSource, identity, cancellationToken);
            var jobId = Guid.CreateVersion7();
            await new JobStore(context.DataSource).CreateAsync(jobId, modelId, "benchmark", false, cancellationToken);

            var writer = new EmbeddingWriter(context.DataSource, identity);
            var random = new Random(1);
            var messages = (rows + batchSize - 1) / batchSize;
            var outcomes = Enumerable.Range(0, messages)
                .Select(m => new BatchOutcome(jobId, m, [.. Enumerable.Range(0, Math.Min(batchSize, rows - (m * batchSize))).Select(i => Row(random, m, i, dims))], 0, []))
                .ToList();

            var stopwatch = Stopwatch.StartNew();
            foreach (var commit in outcomes.Chunk(MessagesPerCommit))
            {
                await writer.CommitAsync(commit, cancellationToken);
            }

            return new Throughput(rows, stopwatch.Elapsed);
        }
        finally
        {
            await JobQueries.DropModelAsync(context, modelId, cancellationToken);
        }
    }

    private static EmbeddedImage Row(Random random, int message, int index, int dims)
    {
        var vector = new float[dims];
        for (var d = 0; d < dims; d++)
        {
            vector[d] = (float)(random.NextDouble() - 0.5);
        }

        return new EmbeddedImage($"https://images.example.com/bench/{message:D6}/{index:D3}.jpg", $"sha256:{message}-{index}", vector);
    }
}
