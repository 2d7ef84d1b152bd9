using Npgsql;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>The outcomes of <see cref="EmbeddingIndex.EnsureAsync"/> on small tables (the long builds are in LiveOperations).</summary>
public sealed class EmbeddingIndexTests(StorageFixture fixture) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task EnsureAsync_ValidIndex_NothingToDoUnlessRebuild()
    {
        var model = await NewModelWithRowsAsync();
        var options = new IndexOptions { MaintenanceWorkMem = "32MB", MaxParallelMaintenanceWorkers = 1 };

        var built = await EnsureAsync(model, options, rebuild: false);
        var again = await EnsureAsync(model, options, rebuild: false);
        var rebuilt = await EnsureAsync(model, options, rebuild: true);

        Assert.Equal((IndexBuildOutcome.Built, IndexBuildOutcome.AlreadyValid, IndexBuildOutcome.Rebuilt), (built, again, rebuilt));
        Assert.Equal(1L, await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexname LIKE '%hnsw%'", model.Table));
        Assert.True(await fixture.ScalarAsync<bool>(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass", EmbeddingIndex.IndexName(model)));
    }

    [Fact]
    public async Task EnsureAsync_AnotherSessionBuilds_ReturnsWithoutWaiting()
    {
        var model = await NewModelWithRowsAsync();
        await using var other = await fixture.DataSource.OpenAsync(CancellationToken.None);
        await using (var lockIt = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext($1))", other))
        {
            lockIt.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmbeddingIndex.IndexName(model) });
            await lockIt.ExecuteNonQueryAsync();
        }

        Assert.Equal(IndexBuildOutcome.BuildingElsewhere, await EnsureAsync(model, new IndexOptions(), rebuild: false));
    }

    [Fact]
    public async Task EnsureAsync_AfterABuild_SessionKeepsNeitherLockNorSettings()
    {
        var model = await NewModelWithRowsAsync();
        await EnsureAsync(model, new IndexOptions { MaintenanceWorkMem = "77MB" }, rebuild: true);

        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
        Assert.NotEqual("77MB", await fixture.ScalarAsync<string>("SELECT current_setting('maintenance_work_mem')"));
    }

    [Fact]
    public async Task EnsureAsync_UnknownModel_Reported() =>
        Assert.Equal(
            IndexBuildOutcome.UnknownModel,
            await EmbeddingIndex.EnsureAsync(fixture.DataSource, ServiceEndpoints.NewModelId("none"), new IndexOptions(), false, true, null, CancellationToken.None));

    private Task<IndexBuildOutcome> EnsureAsync(ModelIdentity model, IndexOptions options, bool rebuild) =>
        EmbeddingIndex.EnsureAsync(fixture.DataSource, model.ModelId, options, rebuild, waitForLock: false, progress: null, CancellationToken.None);

    private async Task<ModelIdentity> NewModelWithRowsAsync()
    {
        var model = new ModelIdentity(ServiceEndpoints.NewModelId("ix"), new string('b', 64), "torch;short256;crop224;nchw", "avg", 8);
        await ModelRegistry.EnsureAsync(fixture.DataSource, model, CancellationToken.None);
        await using var connection = await fixture.DataSource.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {model.Table} (uri, content_id, job_id, model_id, embedding)
            SELECT 'file:///r/' || i, 'c', gen_random_uuid(), $1, (SELECT array_agg(random()::real) FROM generate_series(1, 8) WHERE i > 0)::vector
            FROM generate_series(1, 300) AS i
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.ModelId });
        await command.ExecuteNonQueryAsync();
        return model;
    }
}
