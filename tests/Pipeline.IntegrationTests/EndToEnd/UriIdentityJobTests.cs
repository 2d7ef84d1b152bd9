using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The names of issue 13's table through real jobs: every object stored once, with the vector of its own
/// pixels (equal to a plainly named copy's), and an incremental re-run adds nothing.
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class UriIdentityJobTests(EndToEndFixture fixture)
{
    private static readonly string[] FileNames =
    [
        "%41/p", "A/p", "%2e/100%", "%2E%2E/p", "a%41", "aA", "x#1", "q?", "\uE000\uF8FF", "\u00E9", "e\u0301",
    ];

    private static readonly string[] BlobNameTable =
    [
        "lead", "/lead", "dir/x", "dir/./x", "y", "dir/../y", "/only", "a//b",
    ];

    // Copies of the motorcycles would be their nearest neighbours in the shared table, which other tests query.
    private IReadOnlyList<string> Samples => [.. fixture.SampleFiles.Where(f => !Path.GetFileName(f).StartsWith("motorcycle", StringComparison.Ordinal))];

    [Fact]
    public async Task FolderJob_NamesThatLookEscapedOrNormalised_StoresEachFileOnceWithItsOwnVector()
    {
        var folder = Directory.CreateTempSubdirectory("uri-table-");
        var objects = new List<(string Uri, string Sample)>();
        for (var i = 0; i < FileNames.Length; i++)
        {
            var sample = Samples[i];
            var path = Path.Combine(folder.FullName, FileNames[i] + Path.GetExtension(sample));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(sample, path);
            objects.Add((FileUris.Format(path), sample));
        }

        var job = await fixture.RunJobAsync(new FolderImageSource(folder.FullName), batchSize: 5);
        var again = await fixture.RunJobAsync(new FolderImageSource(folder.FullName), batchSize: 5);

        await AssertEachStoredOnceWithItsOwnVectorAsync(job, objects, FileUris.Format(folder.FullName) + "/");
        Assert.Equal(0, again.Enqueued);
        Assert.Equal(objects.Count, again.Skipped);
        Assert.Equal(objects.Count, await CountUnderAsync(FileUris.Format(folder.FullName) + "/"));
    }

    [Fact]
    public async Task ContainerJob_LeadingSlashDotAndDoubleSlashNames_StoresEachBlobOnceWithItsOwnVector()
    {
        var service = BlobServiceClientFactory.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob });
        var container = service.GetBlobContainerClient("uri-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        var containerUrl = container.Uri.AbsoluteUri.TrimEnd('/');
        var serviceRoot = new Uri(containerUrl[..containerUrl.LastIndexOf('/')]);
        var objects = new List<(string Uri, string Sample)>();
        for (var i = 0; i < BlobNameTable.Length; i++)
        {
            var sample = Samples[i];
            var uri = BlobNames.Format(serviceRoot, container.Name, BlobNameTable[i] + Path.GetExtension(sample));
            await BlobCredentials.CreateClient(ServiceEndpoints.Blob, new Uri(uri), new()).UploadAsync(sample);
            objects.Add((uri, sample));
        }

        var job = await fixture.RunJobAsync(new BlobContainerImageSource(container), batchSize: 3);
        var again = await fixture.RunJobAsync(new BlobContainerImageSource(container), batchSize: 3);

        await AssertEachStoredOnceWithItsOwnVectorAsync(job, objects, containerUrl + "/");
        Assert.Equal(0, again.Enqueued);
        Assert.Equal(objects.Count, again.Skipped);
        Assert.Equal(objects.Count, await CountUnderAsync(containerUrl + "/"));
        await container.DeleteAsync();
    }

    [Fact]
    public async Task TextManifestJob_OneSlashFileUriAndHashName_EmbedsBoth()
    {
        var folder = Directory.CreateTempSubdirectory("uri-manifest-");
        var hashName = Path.Combine(folder.FullName, "#1.jpg");
        var oneSlash = Path.Combine(folder.FullName, "single photo.jpg");
        File.Copy(RepoPaths.Sample("dog.jpg"), hashName);
        File.Copy(RepoPaths.Sample("kite.jpg"), oneSlash);
        var manifest = Path.Combine(folder.FullName, "list.txt");
        File.WriteAllLines(manifest, ["# a comment", "#1.jpg", "file:" + FileUris.Format(oneSlash)["file://".Length..]]);

        var job = await fixture.RunJobAsync(new ManifestImageSource(manifest), batchSize: 2);
        var status = (await fixture.Scheduler.Get<JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;

        Assert.Equal(2, status.Total);
        Assert.Equal(2, status.Embedded);
        Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri = $1", FileUris.Format(hashName)));
        Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri = $1", FileUris.Format(oneSlash)));
    }

    private async Task AssertEachStoredOnceWithItsOwnVectorAsync(Pipeline.Scheduler.Enqueueing.EnqueueResult job, List<(string Uri, string Sample)> objects, string prefix)
    {
        var status = (await fixture.Scheduler.Get<JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;
        Assert.Equal(objects.Count, status.Total);
        Assert.Equal(objects.Count, status.Embedded);
        Assert.Equal(objects.Count, await CountUnderAsync(prefix));
        foreach (var (uri, sample) in objects)
        {
            Assert.Equal(1L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE uri = $1", uri));
            // The sample folder job (the fixture's) embedded every sample under its own plain name.
            var distance = await fixture.ScalarAsync<double>(
                $"SELECT a.embedding <=> b.embedding FROM {fixture.Table} a, {fixture.Table} b WHERE a.uri = $1 AND b.uri = $2",
                uri, FileUris.Format(sample));
            Assert.True(distance < 1e-5, $"{uri} does not hold the pixels of {Path.GetFileName(sample)}: distance {distance}");
        }
    }

    private async Task<long> CountUnderAsync(string prefix) =>
        await fixture.ScalarAsync<long>($"SELECT count(*) FROM {fixture.Table} WHERE starts_with(uri, $1)", prefix);
}
