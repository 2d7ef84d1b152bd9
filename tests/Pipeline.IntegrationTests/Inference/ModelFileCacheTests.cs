using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;
using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// Models fetched from the local Azurite and from a plain-http listener, cached, hash-checked and loaded
/// (https: <see cref="HttpsModelDownloadTests"/>).
/// </summary>
public sealed class ModelFileCacheTests : IDisposable
{
    private static readonly string BundledPath = Path.Combine(RepoPaths.Root, "models", ModelOptions.BundledFile);

    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("model-cache-");

    public void Dispose() => _cache.Delete(recursive: true);

    [Fact]
    public async Task ResolveAsync_AzuriteBlobUrl_DownloadsVerifiesAndLoadsOnce()
    {
        var blob = await UploadAsync(BundledPath);
        var options = new ModelOptions { Path = blob.AbsoluteUri, Sha256 = ModelOptions.BundledSha256 };
        using var cache = NewCache(options);

        var spec = await cache.ResolveAsync(options.ToSpec(), CancellationToken.None);
        var firstWrite = File.GetLastWriteTimeUtc(spec.Path);
        var again = await cache.ResolveAsync(options.ToSpec(), CancellationToken.None);
        using var backbone = Backbone.Load(spec);

        Assert.Equal(Path.Combine(_cache.FullName, ModelOptions.BundledSha256 + ".onnx"), spec.Path);
        Assert.Equal(spec.Path, again.Path);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(again.Path));
        Assert.Equal(1280, backbone.Width);
        Assert.Equal(ModelOptions.BundledSha256, backbone.WeightsSha256);
        Assert.Single(_cache.GetFiles());
    }

    [Fact]
    public async Task GetLocalPathAsync_BlobWithOtherHash_ThrowsAndLeavesNothingBehind()
    {
        var blob = await UploadAsync(BundledPath);
        using var cache = NewCache(new ModelOptions());

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => cache.GetLocalPathAsync(blob.AbsoluteUri, new string('0', 64), CancellationToken.None));

        Assert.Contains(ModelOptions.BundledSha256, error.Message, StringComparison.Ordinal);
        Assert.Empty(_cache.GetFiles());
    }

    [Fact]
    public async Task GetLocalPathAsync_HttpAllowed_DownloadsOnceThenServesFromCache()
    {
        using var server = new FileServer(await File.ReadAllBytesAsync(BundledPath));
        using var cache = NewCache(new ModelOptions { AllowInsecureHttp = true });

        var first = await cache.GetLocalPathAsync(server.Url + "m.onnx", null, CancellationToken.None);
        var second = await cache.GetLocalPathAsync(server.Url + "m.onnx", null, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(1, server.Requests);
        Assert.Equal(await File.ReadAllBytesAsync(BundledPath), await File.ReadAllBytesAsync(first));
        Assert.StartsWith("url-", Path.GetFileName(first), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLocalPathAsync_PlainHttpNotAllowed_IsRefusedBeforeAnyRequest()
    {
        using var server = new FileServer([1, 2, 3]);
        using var cache = NewCache(new ModelOptions());

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetLocalPathAsync(server.Url + "m.onnx", null, CancellationToken.None));

        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task GetLocalPathAsync_HttpNotFound_ThrowsIoWithStatus()
    {
        using var server = new FileServer(null);
        using var cache = NewCache(new ModelOptions { AllowInsecureHttp = true });

        var error = await Assert.ThrowsAsync<IOException>(() => cache.GetLocalPathAsync(server.Url + "missing.onnx", null, CancellationToken.None));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Empty(_cache.GetFiles());
    }

    [Fact]
    public async Task GetLocalPathAsync_LocalPath_IsUsedInPlace()
    {
        using var cache = NewCache(new ModelOptions());

        var path = await cache.GetLocalPathAsync(BundledPath, ModelOptions.BundledSha256, CancellationToken.None);

        Assert.Equal(Path.GetFullPath(BundledPath), path);
        Assert.Empty(_cache.GetFiles());
    }

    private static async Task<Uri> UploadAsync(string file)
    {
        var service = BlobServiceClientFactory.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob });
        var container = service.GetBlobContainerClient("models-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        var blob = container.GetBlobClient("backbones/" + Path.GetFileName(file));
        await blob.UploadAsync(file);
        return blob.Uri;
    }

    private ModelFileCache NewCache(ModelOptions options)
    {
        options.CacheDirectory = _cache.FullName;
        return new ModelFileCache(
            Options.Create(options), Options.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob }), NullLogger<ModelFileCache>.Instance);
    }
}
