using Azure.Storage.Blobs;
using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

[Collection(EndToEndGroup.Name)]
public sealed class BlobAndManifestJobTests(EndToEndFixture fixture)
{
    private static async Task<BlobContainerClient> NewContainerAsync(IEnumerable<string> files, string prefix)
    {
        var service = BlobServiceClientFactory.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob });
        var container = service.GetBlobContainerClient("e2e-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        foreach (var file in files)
        {
            await container.GetBlobClient(prefix + Path.GetFileName(file)).UploadAsync(file);
        }

        return container;
    }

    [Fact]
    public async Task BlobContainerJob_SamplePhotos_EmbedsEveryBlobOnceAndRerunSkipsThem()
    {
        var container = await NewContainerAsync(fixture.SampleFiles, "photos/");
        await container.GetBlobClient("other/ignored.jpg").UploadAsync(fixture.SampleFiles[0]);

        var job = await fixture.RunJobAsync(new BlobContainerImageSource(container, "photos/", pageSizeHint: 5), batchSize: 4);
        var again = await fixture.RunJobAsync(new BlobContainerImageSource(container, "photos/"), batchSize: 4);

        Assert.Equal(fixture.SampleFiles.Count, job.Images);
        var prefix = container.Uri.AbsoluteUri + "/photos/%";
        Assert.Equal(fixture.SampleFiles.Count, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri LIKE $1", prefix));
        Assert.Equal(0L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri LIKE $1", container.Uri.AbsoluteUri + "/other/%"));
        Assert.StartsWith("etag:", await fixture.ScalarAsync<string>($"SELECT min(content_id) FROM {fixture.Table} WHERE uri LIKE $1", prefix), StringComparison.Ordinal);
        Assert.Equal(fixture.SampleFiles.Count, again.Skipped);

        // The same photo from a file and from a blob must give the same vector.
        var distance = await fixture.ScalarAsync<double>(
            $"SELECT a.embedding <=> b.embedding FROM {fixture.Table} a, {fixture.Table} b WHERE a.uri = $1 AND b.uri = $2",
            new Uri(RepoPaths.Sample("chelsea.png")).AbsoluteUri, container.Uri.AbsoluteUri + "/photos/chelsea.png");
        Assert.True(distance < 1e-5, $"file and blob vectors differ: {distance}");
    }

    [Fact]
    public async Task ManifestJob_MixingFileAndBlobUrisAndAMissingFile_EmbedsTheImagesAndRecordsTheFailure()
    {
        var folder = Directory.CreateTempSubdirectory("manifest-");
        File.Copy(RepoPaths.Sample("dog.jpg"), Path.Combine(folder.FullName, "dog.jpg"));
        File.Copy(RepoPaths.Sample("eagle.jpg"), Path.Combine(folder.FullName, "eagle.jpg"));
        File.WriteAllText(Path.Combine(folder.FullName, "broken.jpg"), "<html>404 not found</html>");
        var container = await NewContainerAsync([RepoPaths.Sample("kite.jpg"), RepoPaths.Sample("horses.jpg")], string.Empty);
        var manifest = Path.Combine(folder.FullName, "manifest.csv");
        File.WriteAllLines(manifest,
        [
            "id,uri",
            "1,dog.jpg",
            $"2,\"{new Uri(Path.Combine(folder.FullName, "eagle.jpg")).AbsoluteUri}\"",
            $"3,{container.Uri.AbsoluteUri}/kite.jpg",
            $"4,{container.Uri.AbsoluteUri}/horses.jpg",
            "5,missing.jpg",
            "6,broken.jpg",
        ]);
        var endpoints = fixture.Scheduler.Get<BlobEndpoints>();

        var job = await fixture.RunJobAsync(new ManifestImageSource(manifest, blobEndpoints: endpoints), batchSize: 2);
        var status = (await fixture.Scheduler.Get<Pipeline.Common.Storage.JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;

        Assert.Equal(6, status.Total);
        Assert.Equal(4, status.Embedded);
        Assert.Equal(2, status.Failed);
        Assert.Equal(0, status.Pending);
        Assert.Equal("NotFound", await fixture.ScalarAsync<string>("SELECT reason FROM failures WHERE job_id = $1 AND uri LIKE '%/missing.jpg'", job.JobId));
        Assert.Equal("Undecodable", await fixture.ScalarAsync<string>("SELECT reason FROM failures WHERE job_id = $1 AND uri LIKE '%/broken.jpg'", job.JobId));
        Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri = $1", container.Uri.AbsoluteUri + "/kite.jpg"));
    }
}
