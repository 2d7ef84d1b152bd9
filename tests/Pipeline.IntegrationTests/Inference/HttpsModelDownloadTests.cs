using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;
using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.UnitTests.Messaging;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// Models fetched over real TLS from an in-process https server whose certificate a throw-away CA signed: trusted
/// only through <see cref="ModelOptions.TlsCaFile"/>, for the right host, hash-checked and downloaded once.
/// </summary>
public sealed class HttpsModelDownloadTests : IDisposable
{
    private static readonly string BundledPath = Path.Combine(RepoPaths.Root, "models", ModelOptions.BundledFile);

    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("model-cache-https-");
    private readonly X509Certificate2 _authority = Certificates.Authority("Model Mirror CA");
    private readonly string _authorityFile;

    public HttpsModelDownloadTests()
    {
        // Beside the cache, not in it: the tests count the cached files.
        _authorityFile = Path.Combine(Path.GetTempPath(), $"{_cache.Name}-ca.pem");
        File.WriteAllText(_authorityFile, _authority.ExportCertificatePem());
    }

    public void Dispose()
    {
        _cache.Delete(recursive: true);
        File.Delete(_authorityFile);
        _authority.Dispose();
    }

    [Fact]
    public async Task GetLocalPathAsync_HttpsSignedByTheConfiguredCa_DownloadsVerifiesAndCachesOnce()
    {
        var model = await File.ReadAllBytesAsync(BundledPath);
        using var certificate = Certificates.Issue(_authority, "localhost", IPAddress.Loopback);
        await using var server = new HttpsFileServer(certificate, model);
        using var cache = NewCache(new ModelOptions { TlsCaFile = _authorityFile });

        var first = await cache.GetLocalPathAsync(server.Url + "mobilenetv2.onnx", ModelOptions.BundledSha256, CancellationToken.None);
        var second = await cache.GetLocalPathAsync(server.Url + "mobilenetv2.onnx", ModelOptions.BundledSha256, CancellationToken.None);

        Assert.Equal(Path.Combine(_cache.FullName, ModelOptions.BundledSha256 + ".onnx"), first);
        Assert.Equal(first, second);
        Assert.Equal(1, server.Requests);
        Assert.Equal(model, await File.ReadAllBytesAsync(first));
        Assert.Single(_cache.GetFiles());
    }

    [Fact]
    public async Task GetLocalPathAsync_HttpsWithAnotherHash_ThrowsAndCachesNothing()
    {
        using var certificate = Certificates.Issue(_authority, "localhost", IPAddress.Loopback);
        await using var server = new HttpsFileServer(certificate, await File.ReadAllBytesAsync(BundledPath));
        using var cache = NewCache(new ModelOptions { TlsCaFile = _authorityFile });

        var error = await Assert.ThrowsAsync<InvalidDataException>(
            () => cache.GetLocalPathAsync(server.Url + "mobilenetv2.onnx", new string('0', 64), CancellationToken.None));

        Assert.Contains(ModelOptions.BundledSha256, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
        Assert.Empty(_cache.GetFiles());
    }

    [Fact]
    public async Task GetLocalPathAsync_HttpsCaNotConfigured_IsRefusedBeforeAnyRequest()
    {
        using var certificate = Certificates.Issue(_authority, "localhost", IPAddress.Loopback);
        await using var server = new HttpsFileServer(certificate, [1, 2, 3]);
        using var cache = NewCache(new ModelOptions());

        await Assert.ThrowsAsync<HttpRequestException>(() => cache.GetLocalPathAsync(server.Url + "m.onnx", null, CancellationToken.None));

        Assert.Equal(0, server.Requests);
        Assert.Empty(_cache.GetFiles());
    }

    [Fact]
    public async Task GetLocalPathAsync_CertificateOfTheCaForAnotherHost_IsRefusedBeforeAnyRequest()
    {
        using var certificate = Certificates.Issue(_authority, "models.internal");
        await using var server = new HttpsFileServer(certificate, [1, 2, 3]);
        using var cache = NewCache(new ModelOptions { TlsCaFile = _authorityFile });

        await Assert.ThrowsAsync<HttpRequestException>(() => cache.GetLocalPathAsync(server.Url + "m.onnx", null, CancellationToken.None));

        Assert.Equal(0, server.Requests);
        Assert.Empty(_cache.GetFiles());
    }

    // No blob connection string: these downloads are plain https, nothing else is reached.
    private ModelFileCache NewCache(ModelOptions options)
    {
        options.CacheDirectory = _cache.FullName;
        return new ModelFileCache(Options.Create(options), Options.Create(new BlobOptions()), NullLogger<ModelFileCache>.Instance);
    }
}
