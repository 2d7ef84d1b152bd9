using Pipeline.Common;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>Rows Postgres refuses as data are split off the commit and recorded; their neighbours are stored.</summary>
public sealed class CommitIsolationTests(StorageFixture fixture) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task CommitIsolating_RowsThePostgresRefuses_BecomeUnstorableFailuresAndTheRestIsCommitted()
    {
        var model = new ModelIdentity(ServiceEndpoints.NewModelId("iso"), new string('a', 64), "torch;short256;crop224;nchw", "avg", 4);
        await ModelRegistry.EnsureAsync(fixture.DataSource, model, CancellationToken.None);
        var jobs = new JobStore(fixture.DataSource);
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, model.ModelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, total: 9, 0, 3, CancellationToken.None);
        var writer = new EmbeddingWriter(fixture.DataSource, model);
        // Random letters do not compress: a 3,400-byte URI is past the b-tree row limit (54000), however Postgres stores it.
        var random = new Random(7);
        var longUri = "file:///" + new string([.. Enumerable.Range(0, 3400).Select(_ => (char)random.Next('a', 'z' + 1))]) + ".jpg";
        var refused = new List<string>();
        BatchOutcome Batch(int no, params EmbeddedImage[] images) => new(jobId, no, images, 0, []);

        var completed = await writer.CommitIsolatingAsync(
            [
                Batch(0, Image("file:///ok/0.jpg"), Image("file:///ok/1.jpg"), Image("file:///ok/2.jpg")),
                Batch(1, Image("file:///ok/3.jpg"), new EmbeddedImage("file:///nul.jpg", "etag:a\0b", Vector()), Image("file:///ok/4.jpg")),
                Batch(2, Image("file:///ok/5.jpg"), new EmbeddedImage(longUri, "stat:1:1", Vector())) with
                {
                    Failed = [new FailedImage("file:///bad\0name.jpg", FailureReason.Undecodable, "message with a NUL \0 and " + new string('x', 5000))],
                },
            ],
            (_, image) => refused.Add(image.Uri),
            CancellationToken.None);

        Assert.Equal([jobId], completed);
        Assert.Equal(new[] { "file:///nul.jpg", longUri }.Order(StringComparer.Ordinal), refused.Order(StringComparer.Ordinal));
        Assert.Equal(6L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {model.Table}"));
        Assert.Equal(2L, await fixture.ScalarAsync<long>("SELECT count(*) FROM failures WHERE job_id = $1 AND reason = 'Unstorable'", jobId));
        Assert.Contains("22021", await fixture.ScalarAsync<string>("SELECT message FROM failures WHERE job_id = $1 AND uri = 'file:///nul.jpg'", jobId));
        Assert.Contains("54000", await fixture.ScalarAsync<string>("SELECT message FROM failures WHERE job_id = $1 AND uri = $2", jobId, StoredText.Uri(longUri)));
        var cleaned = await fixture.ScalarAsync<string>("SELECT message FROM failures WHERE job_id = $1 AND reason = 'Undecodable'", jobId);
        Assert.StartsWith("message with a NUL \u2400 and xxx", cleaned);
        Assert.Equal(StoredText.MaxMessageChars + 1, cleaned.Length);
        var status = (await jobs.GetAsync(jobId, CancellationToken.None))!.Value.Status;
        Assert.Equal((6L, 3L, 0L), (status.Embedded, status.Failed, status.Pending!.Value));
        Assert.True(status.IsComplete);
    }

    private static EmbeddedImage Image(string uri) => new(uri, "stat:1:1", Vector());

    private static float[] Vector() => [1, 0, 0, 0];
}
