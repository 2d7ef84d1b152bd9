using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;

namespace Pipeline.Common.Inference.ModelFiles;

/// <summary>
/// Brings a model file to local disk once: local paths are used in place; http(s) and Azure Blob URLs are downloaded
/// into <see cref="ModelOptions.CacheDirectory"/> (to a temporary file, hashed on the way, checked against the
/// expected sha256 when one is given, then renamed into place atomically) and reused by later runs. An https server
/// must present a certificate for its host that chains to the system store or to <see cref="ModelOptions.TlsCaFile"/>.
/// </summary>
/// <remarks>
/// Cached files are named by the expected sha256, or without one by a hash of the URL (query left out): set
/// <see cref="ModelOptions.Sha256"/> to pin the weights, since an unpinned URL is not fetched again once cached.
/// </remarks>
public sealed class ModelFileCache : IDisposable
{
    private const int CopyBufferSize = 1 << 20;

    private readonly ModelOptions _options;
    private readonly BlobServiceClient? _blobService;
    private readonly BlobClientOptions _blobClientOptions;
    private readonly BlobEndpoints _blobEndpoints;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    /// <summary>A cache of model files downloaded from http(s) or blob URLs (blob credentials from <paramref name="blobOptions"/>).</summary>
    public ModelFileCache(IOptions<ModelOptions> modelOptions, IOptions<BlobOptions> blobOptions, ILogger<ModelFileCache> logger)
    {
        ArgumentNullException.ThrowIfNull(modelOptions);
        ArgumentNullException.ThrowIfNull(blobOptions);
        ArgumentNullException.ThrowIfNull(logger);
        _options = modelOptions.Value;
        _logger = logger;
        _blobClientOptions = BlobServiceClientFactory.CreateClientOptions(blobOptions.Value);
        if (!string.IsNullOrWhiteSpace(blobOptions.Value.ConnectionString))
        {
            _blobService = BlobServiceClientFactory.Create(blobOptions.Value);
            _blobEndpoints = BlobEndpoints.FromServiceClient(_blobService);
        }
        else
        {
            _blobEndpoints = BlobEndpoints.PublicCloudOnly;
        }

        _http = CreateHttpClient(_options);
        Directory = string.IsNullOrEmpty(_options.CacheDirectory) ? DefaultDirectory() : Path.GetFullPath(_options.CacheDirectory);
    }

    /// <summary>Where downloaded models are kept.</summary>
    public string Directory { get; }

    /// <summary><paramref name="spec"/> with its <see cref="ModelSpec.Path"/> on local disk.</summary>
    public async Task<ModelSpec> ResolveAsync(ModelSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var path = await GetLocalPathAsync(spec.Path, spec.Sha256, cancellationToken).ConfigureAwait(false);
        return spec with { Path = path };
    }

    /// <summary>A local path holding the file at <paramref name="pathOrUrl"/>, downloading it unless cached.</summary>
    /// <exception cref="InvalidDataException">The download's sha256 is not <paramref name="sha256"/>.</exception>
    /// <exception cref="InvalidOperationException">A plain http URL without <see cref="ModelOptions.AllowInsecureHttp"/>.</exception>
    public async Task<string> GetLocalPathAsync(string pathOrUrl, string? sha256, CancellationToken cancellationToken)
    {
        var location = ModelLocation.Parse(pathOrUrl);
        if (location.Url is not { } url)
        {
            return location.LocalPathOrUrl;
        }

        var blob = _blobEndpoints.TryMatch(url, out var blobLocation) ? blobLocation : null;
        if (blob is null && url.Scheme == Uri.UriSchemeHttp && !_options.AllowInsecureHttp)
        {
            throw new InvalidOperationException(
                $"Model URL {location.Redacted} is plain http: use https, or set Model:AllowInsecureHttp=true for a trusted mirror.");
        }

        var target = Path.Combine(Directory, CacheName(url, sha256));
        if (File.Exists(target) && await IsIntactAsync(target, sha256, cancellationToken).ConfigureAwait(false))
        {
            ModelFilesLog.CacheHit(_logger, location.Redacted, target);
            return target;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var partial = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            ModelFilesLog.Downloading(_logger, location.Redacted, target);
            var (bytes, actual) = blob is not null
                ? await DownloadBlobAsync(url, blob, partial, cancellationToken).ConfigureAwait(false)
                : await DownloadHttpAsync(url, location.Redacted, partial, cancellationToken).ConfigureAwait(false);
            if (sha256 is not null && !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"Model {location.Redacted} downloaded with sha256 {actual}, expected {sha256}.");
            }

            // Same folder, so the rename is atomic: readers see no file or a whole one.
            File.Move(partial, target, overwrite: true);
            ModelFilesLog.Downloaded(_logger, location.Redacted, bytes, actual);
            return target;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Releases the HTTP client used for model downloads.</summary>
    public void Dispose() => _http.Dispose();

    private static HttpClient CreateHttpClient(ModelOptions options)
    {
        var handler = new SocketsHttpHandler();
        if (!string.IsNullOrEmpty(options.TlsCaFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(options.TlsCaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = TrustedCa.Validator(authorities);
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = options.DownloadTimeout };
    }

    private static string DefaultDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return Path.Combine(xdg, "pipeline", "models");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home)
            ? Path.Combine(Path.GetTempPath(), "pipeline-models")
            : Path.Combine(home, ".cache", "pipeline", "models");
    }

    // Content-addressed when the hash is known; otherwise by URL, query (a rotating SAS) left out.
    private static string CacheName(Uri url, string? sha256)
    {
        if (sha256 is not null)
        {
            return sha256.ToLowerInvariant() + ".onnx";
        }

        var key = SHA256.HashData(Encoding.UTF8.GetBytes(url.GetLeftPart(UriPartial.Path)));
        return "url-" + Convert.ToHexStringLower(key)[..32] + ".onnx";
    }

    private async Task<bool> IsIntactAsync(string path, string? sha256, CancellationToken cancellationToken)
    {
        if (sha256 is null)
        {
            return true;
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            if (string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            ModelFilesLog.CacheCorrupt(_logger, path, actual, sha256);
            return false;
        }
    }

    private async Task<(long Bytes, string Sha256)> DownloadBlobAsync(
        Uri url, BlobLocation blob, string destination, CancellationToken cancellationToken)
    {
        var client = _blobService is not null && BlobEndpoints.SameService(blob.ServiceUri, _blobService.Uri)
            ? _blobService.GetBlobContainerClient(blob.ContainerName).GetBlobClient(blob.BlobName)
            : new BlobClient(url, _blobClientOptions);
        var response = await client.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        using var download = response.Value;
        return await SaveAsync(download.Content, destination, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Bytes, string Sha256)> DownloadHttpAsync(
        Uri url, string redacted, string destination, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"Model {redacted} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await SaveAsync(body, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<(long Bytes, string Sha256)> SaveAsync(Stream source, string destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);
        long total = 0;
        await using (file.ConfigureAwait(false))
        {
            var buffer = new byte[CopyBufferSize];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
