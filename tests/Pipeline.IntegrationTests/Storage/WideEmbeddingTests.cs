using Pipeline.Common;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>Widths beyond what HNSW indexes on the column: binary-quantized index, exact re-rank; nothing truncated.</summary>
public sealed class WideEmbeddingTests(StorageFixture fixture) : IClassFixture<StorageFixture>
{
    private const int Rows = 200;

    [Theory]
    [InlineData(4032, StoragePrecision.Auto, "halfvec")]
    [InlineData(2500, StoragePrecision.Full, "vector")]
    public async Task Search_WidthBeyondHnswLimit_IndexesBinaryQuantizationAndReturnsTheExactNearestFirst(
        int dims, StoragePrecision precision, string columnType)
    {
        var model = new ModelIdentity(ServiceEndpoints.NewModelId("wide"), new string('c', 64), "tf;squash331;nhwc", "avg", dims, precision);
        var vectors = await StoreRandomRowsAsync(model);
        Assert.Equal(IndexBuildOutcome.Built,
            await EmbeddingIndex.EnsureAsync(fixture.DataSource, model.ModelId, new IndexOptions(), rebuild: false, waitForLock: true, progress: null, CancellationToken.None));
        var random = new Random(dims);
        var target = 137;
        var query = vectors[target].Select(v => v + (0.3f * Gaussian(random))).ToArray();

        var hits = await NeighbourSearch.SearchAsync(fixture.DataSource, model, query, 5, CancellationToken.None);

        Assert.Equal($"{columnType}({dims})", await fixture.ScalarAsync<string>(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'", model.Table));
        var index = await fixture.ScalarAsync<string>("SELECT indexdef FROM pg_indexes WHERE indexname = $1", EmbeddingIndex.IndexName(model));
        Assert.Contains($"(binary_quantize(embedding))::bit({dims})", index, StringComparison.Ordinal);
        Assert.Contains("bit_hamming_ops", index, StringComparison.Ordinal);

        var exact = vectors.Select((v, i) => (Uri: UriOf(i), Distance: CosineDistance(v, query))).OrderBy(x => x.Distance).Take(5).ToList();
        Assert.Equal(UriOf(target), hits[0].Uri);
        Assert.Equal(exact[0].Uri, hits[0].Uri);
        Assert.Equal(exact[0].Distance, hits[0].Distance, 2);
        Assert.Equal(hits.OrderBy(h => h.Distance).Select(h => h.Uri), hits.Select(h => h.Uri));
    }

    [Fact]
    public async Task Search_BeforeTheIndexExists_ScansExactly()
    {
        var model = new ModelIdentity(ServiceEndpoints.NewModelId("wide"), new string('d', 64), "tf;squash331;nhwc", "avg", 4032);
        var vectors = await StoreRandomRowsAsync(model);

        var hits = await NeighbourSearch.SearchAsync(fixture.DataSource, model, vectors[42], 3, CancellationToken.None);

        Assert.Equal(UriOf(42), hits[0].Uri);
        Assert.Equal(0, hits[0].Distance, 3);
    }

    [Fact]
    public async Task RegisterModel_SameIdOtherPrecision_IsRefused()
    {
        var model = new ModelIdentity(ServiceEndpoints.NewModelId("wide"), new string('e', 64), "torch;short256;crop224;nchw", "avg", 1280);
        await ModelRegistry.EnsureAsync(fixture.DataSource, model, CancellationToken.None);

        await ModelRegistry.EnsureAsync(fixture.DataSource, model with { Precision = StoragePrecision.Full }, CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ModelRegistry.EnsureAsync(fixture.DataSource, model with { Precision = StoragePrecision.Half }, CancellationToken.None));

        Assert.Contains("halfvec", error.Message, StringComparison.Ordinal);
    }

    private async Task<float[][]> StoreRandomRowsAsync(ModelIdentity model)
    {
        await ModelRegistry.EnsureAsync(fixture.DataSource, model, CancellationToken.None);
        var jobs = new JobStore(fixture.DataSource);
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, model.ModelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, Rows, 0, 1, CancellationToken.None);
        var random = new Random(model.Dims);
        var vectors = Enumerable.Range(0, Rows).Select(_ => Enumerable.Range(0, model.Dims).Select(_ => Gaussian(random)).ToArray()).ToArray();
        var images = vectors.Select((v, i) => new EmbeddedImage(UriOf(i), "c", v)).ToList();
        await new EmbeddingWriter(fixture.DataSource, model).CommitAsync([new BatchOutcome(jobId, 0, images, 0, [])], CancellationToken.None);
        return vectors;
    }

    private static string UriOf(int i) => $"file:///wide/{i}.jpg";

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static double CosineDistance(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return 1 - (dot / Math.Sqrt(na * nb));
    }
}
