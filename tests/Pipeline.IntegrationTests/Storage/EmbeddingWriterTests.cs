using Pipeline.Common;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Storage;

public sealed class EmbeddingWriterTests(StorageFixture fixture) : IClassFixture<StorageFixture>
{
    private static float[] UnitVector(int dims, int hot)
    {
        var v = new float[dims];
        v[hot] = 1;
        return v;
    }

    private async Task<(ModelIdentity Model, EmbeddingWriter Writer, JobStore Jobs, Guid JobId)> NewJobAsync(int dims, long total)
    {
        var model = new ModelIdentity(ServiceEndpoints.NewModelId("w"), new string('a', 64), "torch;short256;crop224;nchw", "avg", dims);
        await ModelRegistry.EnsureAsync(fixture.DataSource, model, CancellationToken.None);
        var jobs = new JobStore(fixture.DataSource);
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, model.ModelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, total, 0, 2, CancellationToken.None);
        return (model, new EmbeddingWriter(fixture.DataSource, model), jobs, jobId);
    }

    [Fact]
    public async Task Commit_SameBatchTwice_StoresRowsOnceAndCountsOnce()
    {
        var (model, writer, jobs, jobId) = await NewJobAsync(dims: 4, total: 3);
        var batch = new BatchOutcome(
            jobId, 0,
            [new EmbeddedImage("file:///a.jpg", "stat:1:1", UnitVector(4, 0)), new EmbeddedImage("file:///b.jpg", "stat:2:2", UnitVector(4, 1))],
            Skipped: 0,
            [new FailedImage("file:///c.jpg", FailureReason.Undecodable, "not an image")]);

        var first = await writer.CommitAsync([batch], CancellationToken.None);
        var redelivered = await writer.CommitAsync([batch], CancellationToken.None);

        Assert.Equal([jobId], first);
        Assert.Empty(redelivered);
        Assert.Equal(2L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {model.Table}"));
        Assert.Equal(1, await fixture.ScalarAsync<int>("SELECT attempts FROM failures WHERE job_id = $1", jobId));
        var status = (await jobs.GetAsync(jobId, CancellationToken.None))!.Value.Status;
        Assert.Equal((2L, 1L, 0L, 0L), (status.Embedded, status.Failed, status.Skipped, status.Pending!.Value));
        Assert.True(status.IsComplete);
    }

    [Fact]
    public async Task Commit_SameUriInTwoBatches_KeepsOneRowWithTheLatestVector()
    {
        var (model, writer, _, jobId) = await NewJobAsync(dims: 4, total: 2);
        await writer.CommitAsync([new BatchOutcome(jobId, 0, [new EmbeddedImage("file:///a.jpg", "stat:1:1", UnitVector(4, 0))], 0, [])], CancellationToken.None);
        await writer.CommitAsync([new BatchOutcome(jobId, 1, [new EmbeddedImage("file:///a.jpg", "stat:1:2", UnitVector(4, 3))], 0, [])], CancellationToken.None);

        Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {model.Table}"));
        Assert.Equal("stat:1:2", await fixture.ScalarAsync<string>($"SELECT content_id FROM {model.Table}"));
    }

    [Fact]
    public async Task Commit_WidthAbove2000_StoresHalfvecAndSearchesWithHnsw()
    {
        var (model, writer, _, jobId) = await NewJobAsync(dims: 2500, total: 3);
        Assert.Equal("halfvec", model.ColumnType);
        await writer.CommitAsync(
            [new BatchOutcome(jobId, 0, [
                new EmbeddedImage("file:///x.jpg", "c", UnitVector(2500, 0)),
                new EmbeddedImage("file:///y.jpg", "c", UnitVector(2500, 2499)),
                new EmbeddedImage("file:///z.jpg", "c", UnitVector(2500, 1))], 0, [])],
            CancellationToken.None);
        Assert.Equal(IndexBuildOutcome.Built,
            await EmbeddingIndex.EnsureAsync(fixture.DataSource, model.ModelId, new IndexOptions(), rebuild: false, waitForLock: true, progress: null, CancellationToken.None));

        var hits = await NeighbourSearch.SearchAsync(fixture.DataSource, model, UnitVector(2500, 2499), 2, CancellationToken.None);

        Assert.Equal("halfvec", await fixture.ScalarAsync<string>(
            "SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'", model.Table));
        Assert.Equal("file:///y.jpg", hits[0].Uri);
        Assert.Equal(0, hits[0].Distance, 3);
        Assert.Equal(1, hits[1].Distance, 3);
    }

    [Fact]
    public async Task RegisterModel_SameIdWithOtherWeights_IsRefused()
    {
        var (model, _, _, _) = await NewJobAsync(dims: 4, total: 0);
        var other = model with { WeightsSha256 = new string('b', 64) };
        await Assert.ThrowsAsync<InvalidOperationException>(() => ModelRegistry.EnsureAsync(fixture.DataSource, other, CancellationToken.None));
    }
}
