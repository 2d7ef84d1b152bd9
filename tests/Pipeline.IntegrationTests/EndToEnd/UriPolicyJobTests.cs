using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>The scheduler applies the URI policy: refused images are failures of the job at once and never reach the queue.</summary>
[Collection(EndToEndGroup.Name)]
public sealed class UriPolicyJobTests(EndToEndFixture fixture)
{
    private static string Manifest(params string[] lines)
    {
        var folder = Directory.CreateTempSubdirectory("policy-").FullName;
        File.Copy(RepoPaths.Sample("dog.jpg"), Path.Combine(folder, "dog.jpg"));
        var path = Path.Combine(folder, "uris.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task ManifestJob_WithRefusedUris_RecordsThemAsRefusedWithoutQueuingAndCompletes()
    {
        string[] refused =
        [
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/role.jpg",
            "http://10.0.0.1:9200/_cat/indices.jpg",
            "ftp://example.com/a.jpg",
            "../outside.jpg",
        ];
        var manifest = Manifest(["dog.jpg", .. refused]);

        var job = await fixture.RunJobAsync(new ManifestImageSource(manifest, blobEndpoints: fixture.Scheduler.Get<BlobEndpoints>()), batchSize: 2);
        var status = (await fixture.Scheduler.Get<JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;

        Assert.Equal(5, job.Images);
        Assert.Equal(1, job.Enqueued);
        Assert.Equal(4, job.Refused);
        Assert.Equal(1, job.Batches);
        Assert.True(status.IsComplete);
        Assert.Equal(5, status.Total);
        Assert.Equal(1, status.Embedded);
        Assert.Equal(4, status.Failed);
        Assert.Equal(0, status.Pending);
        foreach (var uri in refused)
        {
            Assert.Equal("Refused", await fixture.ScalarAsync<string>("SELECT reason FROM failures WHERE job_id = $1 AND uri = $2", job.JobId, uri));
        }

        // The workers never saw them.
        Assert.DoesNotContain("169.254.169.254", fixture.WorkerLogs, StringComparison.Ordinal);
        Assert.DoesNotContain("outside.jpg", fixture.WorkerLogs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestJob_EveryUriRefused_CompletesWhenEnqueuedWithNothingQueued()
    {
        var manifest = Manifest("http://127.0.0.1:1/a.jpg", "http://[::1]/b.jpg", "gopher://example.com/c.jpg");

        var job = await fixture.RunJobAsync(new ManifestImageSource(manifest), batchSize: 2);
        var status = (await fixture.Scheduler.Get<JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;

        Assert.True(job.Completed);
        Assert.Equal(0, job.Batches);
        Assert.Equal(3, status.Failed);
        Assert.Equal(3L, await fixture.ScalarAsync<long>("SELECT count(*) FROM failures WHERE job_id = $1 AND reason = 'Refused'", job.JobId));
    }
}
