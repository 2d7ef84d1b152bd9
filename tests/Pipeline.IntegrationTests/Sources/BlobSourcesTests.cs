using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.IntegrationTests.Sources;

public sealed class BlobSourcesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    private BlobImageFetcher Fetcher(Action<FetchOptions>? configure = null, Action<BlobOptions>? blob = null)
    {
        var fetch = new FetchOptions();
        configure?.Invoke(fetch);
        return new BlobImageFetcher(Options.Create(azurite.Options(blob)), Options.Create(fetch), UriPolicy.AllowAll(azurite.Endpoints));
    }

    private static byte[] Content(string name) => [.. Png, .. System.Text.Encoding.UTF8.GetBytes(name)];

    [Fact]
    public async Task ListAsync_PrefixOverSeveralPages_ListsTheImageBlobs()
    {
        var images = Enumerable.Range(0, 23).Select(i => $"list/p/img-{i:D3}.JPG").ToList();
        var etags = await azurite.UploadAsync(
            images.Concat(["list/p/readme.txt", "list/p/img.jpg.json", "list/q/other.jpg", "list/px.png", "list/p/sub/deep.webp"])
                .Select(name => (name, Content(name))));
        var counter = new RequestCountingPolicy("comp=list");
        var clientOptions = BlobServiceClientFactory.CreateClientOptions(azurite.Options());
        clientOptions.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var container = new BlobServiceClient(azurite.ConnectionString, clientOptions).GetBlobContainerClient(azurite.Container.Name);

        var source = new BlobContainerImageSource(container, "list/p/", pageSizeHint: 4);
        var refs = await source.EnumerateAsync(CancellationToken.None).ToListAsync();

        string[] expected = [.. images, "list/p/sub/deep.webp"];
        Assert.Equal(expected.Select(name => container.GetBlobClient(name).Uri.AbsoluteUri), refs.Select(r => r.Uri));
        Assert.All(refs, r => Assert.Equal(ContentIds.ForETag(etags[ImageUri.Parse(r.Uri, azurite.Endpoints).Blob!.BlobName].ToString()), r.ContentId));
        Assert.Equal(7, counter.Count); // 26 blobs under the prefix, 4 per page
        Assert.Equal($"blob:{container.Uri}/list/p/", source.Description);
    }

    [Fact]
    public async Task FetchAsync_ListedBlob_ReturnsTheBytesAndTheListingsIdentity()
    {
        var name = "fetch/photo.png";
        await azurite.UploadAsync([(name, Content(name))]);
        var listed = Assert.Single(await new BlobContainerImageSource(azurite.Container, "fetch/").EnumerateAsync(CancellationToken.None).ToListAsync());

        var image = await Fetcher().FetchAsync(listed.Uri, CancellationToken.None);

        Assert.Equal(Content(name), image.Data.ToArray());
        Assert.Equal(listed.Uri, image.Uri);
        Assert.NotNull(listed.ContentId);
        Assert.StartsWith("etag:", listed.ContentId, StringComparison.Ordinal);
        Assert.Equal(listed.ContentId, image.ContentId);
    }

    [Fact]
    public async Task ListAndFetch_OddBlobNames_RoundTrip()
    {
        var name = "odd names/ünï côde #1+2%3F.jpg";
        await azurite.UploadAsync([(name, Content(name))]);

        var listed = Assert.Single(await new BlobContainerImageSource(azurite.Container, "odd names/").EnumerateAsync(CancellationToken.None).ToListAsync());
        var parsed = ImageUri.Parse(listed.Uri, azurite.Endpoints);
        var image = await Fetcher().FetchAsync(listed.Uri, CancellationToken.None);

        Assert.Equal(ImageUriKind.Blob, parsed.Kind);
        Assert.Equal(listed.Uri, parsed.Value);
        Assert.Equal(name, parsed.Blob!.BlobName);
        Assert.Equal(azurite.Container.Name, parsed.Blob.ContainerName);
        Assert.Equal(Content(name), image.Data.ToArray());
    }

    [Fact]
    public async Task FetchAsync_MissingBlobOrContainer_IsNotFound()
    {
        var missingBlob = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync(azurite.Container.GetBlobClient("nope/missing.jpg").Uri.AbsoluteUri, CancellationToken.None).AsTask());
        var missingContainer = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher().FetchAsync(azurite.Service.GetBlobContainerClient("no-such-container-0").GetBlobClient("a.jpg").Uri.AbsoluteUri, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.NotFound, missingBlob.Reason);
        Assert.Equal(FailureReason.NotFound, missingContainer.Reason);
    }

    [Fact]
    public async Task FetchAsync_InvalidContainerName_IsInvalidUri()
    {
        var url = azurite.Service.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/Bad_Container/a.jpg";

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => Fetcher().FetchAsync(url, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }

    [Fact]
    public async Task FetchAsync_SasInTheUrl_NeverReachesTheMessage()
    {
        var url = azurite.Container.GetBlobClient("nope/missing.jpg").Uri.AbsoluteUri + "?sv=2024-11-04&sp=r&sig=TOPSECRET%3D";

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => Fetcher().FetchAsync(url, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.NotFound, ex.Reason);
        Assert.DoesNotContain("TOPSECRET", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOPSECRET", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_SasWithoutReadPermission_IsFetchFailed()
    {
        var name = "sas/photo.jpg";
        await azurite.UploadAsync([(name, Content(name))]);
        Assert.True(azurite.Service.CanGenerateAccountSasUri, "this test needs an account-key connection string (Azurite's default is one)");
        var listOnly = azurite.Service.GenerateAccountSasUri(AccountSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All);
        var sasConnectionString = $"BlobEndpoint={azurite.Service.Uri.GetLeftPart(UriPartial.Path)};SharedAccessSignature={listOnly.Query.TrimStart('?')}";
        var fetcher = new BlobImageFetcher(
            Options.Create(azurite.Options(o => o.ConnectionString = sasConnectionString)),
            Options.Create(new FetchOptions()),
            UriPolicy.AllowAll(azurite.Endpoints));

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            fetcher.FetchAsync(azurite.Container.GetBlobClient(name).Uri.AbsoluteUri, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Contains("403", ex.Message, StringComparison.Ordinal);
        var signature = System.Web.HttpUtility.ParseQueryString(listOnly.Query)["sig"]!;
        Assert.DoesNotContain(signature, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_BlobOverMaxBytes_IsTooLarge()
    {
        var name = "big/huge.jpg";
        await azurite.UploadAsync([(name, new byte[5000])]);

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            Fetcher(o => o.MaxBytes = 4999).FetchAsync(azurite.Container.GetBlobClient(name).Uri.AbsoluteUri, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.TooLarge, ex.Reason);
    }

    [Fact]
    public async Task FetchAsync_PinnedOlderServiceVersion_Works()
    {
        var name = "pinned/photo.png";
        await azurite.UploadAsync([(name, Content(name))]);

        var image = await Fetcher(blob: o => o.ServiceVersion = BlobClientOptions.ServiceVersion.V2021_12_02)
            .FetchAsync(azurite.Container.GetBlobClient(name).Uri.AbsoluteUri, CancellationToken.None);

        Assert.Equal(Content(name), image.Data.ToArray());
    }

    [Fact]
    public async Task AddImageFetching_BlobAndFileUris_AreBothFetched()
    {
        var name = "di/photo.png";
        await azurite.UploadAsync([(name, Content(name))]);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, Png);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Blob:ConnectionString"] = azurite.ConnectionString,
                    ["Blob:ServiceVersion"] = azurite.Options().ServiceVersion?.ToString(),
                })
                .Build();
            await using var provider = new ServiceCollection().AddImageFetching(configuration).BuildServiceProvider();
            var fetcher = provider.GetRequiredService<IImageFetcher>();

            var blob = await fetcher.FetchAsync(azurite.Container.GetBlobClient(name).Uri.AbsoluteUri, CancellationToken.None);
            var local = await fetcher.FetchAsync(file, CancellationToken.None);

            Assert.Equal(Content(name), blob.Data.ToArray());
            Assert.StartsWith("etag:", blob.ContentId, StringComparison.Ordinal);
            Assert.Equal(Png, local.Data.ToArray());
            Assert.StartsWith("stat:", local.ContentId, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Fetch_SnapshotUrlOfADotSegmentName_ReadsTheSnapshotNotTheCurrentBlob()
    {
        var container = azurite.Container.Uri.AbsoluteUri.TrimEnd('/');
        var url = BlobNames.Format(new Uri(container[..container.LastIndexOf('/')]), azurite.Container.Name, "snap/./x.jpg");
        var blob = BlobCredentials.CreateClient(azurite.ConnectionString, new Uri(url), new());
        await blob.UploadAsync(BinaryData.FromBytes(Content("old")));
        var snapshot = (await blob.CreateSnapshotAsync()).Value.Snapshot;
        await blob.UploadAsync(BinaryData.FromBytes(Content("new")), overwrite: true);

        var old = await Fetcher().FetchAsync(url + "?snapshot=" + Uri.EscapeDataString(snapshot), CancellationToken.None);
        var current = await Fetcher().FetchAsync(url, CancellationToken.None);

        Assert.Equal(Content("old"), old.Data.ToArray());
        Assert.Equal(Content("new"), current.Data.ToArray());
        Assert.Contains("snapshot=", old.Uri, StringComparison.Ordinal);
    }
}
