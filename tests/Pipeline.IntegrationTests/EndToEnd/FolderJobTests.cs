using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

[Collection(EndToEndGroup.Name)]
public sealed class FolderJobTests(EndToEndFixture fixture)
{
    private static readonly string SamplesPrefix = new Uri(RepoPaths.SampleImages + "/").AbsoluteUri + "%";

    [Fact]
    public async Task FolderJob_WithTwoWorkers_StoresExactlyOneRowPerImage()
    {
        Assert.Equal(fixture.SampleFiles.Count, fixture.FolderJob.Images);
        Assert.Equal(0, fixture.FolderJob.Skipped);
        var rows = await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri LIKE $1", SamplesPrefix);
        var distinct = await fixture.ScalarAsync<long>($"SELECT count(DISTINCT uri) FROM {fixture.Table} WHERE uri LIKE $1", SamplesPrefix);
        Assert.Equal(fixture.SampleFiles.Count, rows);
        Assert.Equal(rows, distinct);
        foreach (var file in fixture.SampleFiles)
        {
            var uri = new Uri(file).AbsoluteUri;
            Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri = $1", uri));
        }
    }

    [Fact]
    public async Task FolderJob_StoredVectors_AreUnitLengthAndCarryTheModelIdentity()
    {
        var norm = await fixture.ScalarAsync<double>($"SELECT max(abs(vector_norm(embedding) - 1)) FROM {fixture.Table}");
        Assert.True(norm < 1e-4, $"vectors are not L2-normalised: max deviation {norm}");
        var dims = await fixture.ScalarAsync<int>($"SELECT vector_dims(embedding) FROM {fixture.Table} LIMIT 1");
        Assert.Equal(1280, dims);
        var identity = await fixture.ScalarAsync<string>(
            "SELECT weights_sha256 || ' ' || preprocessing || ' ' || pooling FROM models WHERE id = $1", fixture.ModelId);
        Assert.Equal("83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f torch;short256;crop224;nchw avg", identity);
    }

    [Fact]
    public async Task FolderJob_MotorcyclePhotos_AreEachOthersNearestNeighbours()
    {
        foreach (var (query, expected) in new[] { ("motorcycle_left.png", "motorcycle_right.png"), ("motorcycle_right.png", "motorcycle_left.png") })
        {
            var nearest = await fixture.ScalarAsync<string>(
                $"""
                SELECT b.uri FROM {fixture.Table} a JOIN {fixture.Table} b ON b.uri <> a.uri
                WHERE a.uri = $1 ORDER BY a.embedding <=> b.embedding LIMIT 1
                """,
                new Uri(RepoPaths.Sample(query)).AbsoluteUri);
            Assert.EndsWith("/" + expected, nearest, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FolderJob_RunAgain_SkipsEverythingAndAddsNothing()
    {
        var before = await fixture.ScalarAsync<DateTime>($"SELECT max(created_at) FROM {fixture.Table} WHERE uri LIKE $1", SamplesPrefix);
        var again = await fixture.RunJobAsync(new FolderImageSource(RepoPaths.SampleImages), batchSize: 3);
        Assert.Equal(fixture.SampleFiles.Count, again.Skipped);
        Assert.Equal(0, again.Enqueued);
        Assert.True(again.Completed);
        Assert.Equal(fixture.SampleFiles.Count, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri LIKE $1", SamplesPrefix));
        Assert.Equal(before, await fixture.ScalarAsync<DateTime>($"SELECT max(created_at) FROM {fixture.Table} WHERE uri LIKE $1", SamplesPrefix));
    }

    [Fact]
    public async Task FolderJob_Completed_BuildsTheHnswIndex()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%hnsw%'", fixture.Table) == 0)
        {
            await Task.Delay(200, timeout.Token);
        }
    }
}
