using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>
/// Reads Azure blobs: with the configured connection string's credentials when the URL is on its endpoint,
/// otherwise anonymously (public containers, or a SAS carried in the URL). Identity is the blob's ETag.
/// </summary>
/// <remarks>
/// Throttling, 5xx and dropped connections are retried by the SDK (<see cref="BlobOptions"/>); what still
/// fails after that is an <see cref="ImageSourceUnavailableException"/> (an outage), and so is any other 400: it means our request is wrong for the
/// service (e.g. an API version it does not know), which no image can fix.
/// 404 → NotFound; 400 for a bad name → InvalidUri; 401, 403, 409 and other 4xx → FetchFailed.
/// </remarks>
public sealed class BlobImageFetcher : IImageFetcher
{
    private readonly BlobServiceClient? _service;
    private readonly string? _connectionString;
    private readonly BlobClientOptions _clientOptions;
    private readonly long _maxBytes;
    private readonly UriPolicy _policy;

    /// <param name="policy">Checked before any request; its blob endpoints should be <see cref="Endpoints"/>.</param>
    public BlobImageFetcher(IOptions<BlobOptions> blobOptions, IOptions<FetchOptions> fetchOptions, UriPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(blobOptions);
        ArgumentNullException.ThrowIfNull(fetchOptions);
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        BlobOptionsValidator.ThrowIfInvalid(blobOptions.Value);
        FetchOptionsValidator.ThrowIfInvalid(fetchOptions.Value);
        _clientOptions = BlobServiceClientFactory.CreateClientOptions(blobOptions.Value);
        _maxBytes = fetchOptions.Value.MaxBytes;
        if (!string.IsNullOrWhiteSpace(blobOptions.Value.ConnectionString))
        {
            _connectionString = blobOptions.Value.ConnectionString;
            _service = new BlobServiceClient(_connectionString, _clientOptions);
            Endpoints = BlobEndpoints.FromServiceClient(_service);
        }
        else
        {
            Endpoints = BlobEndpoints.PublicCloudOnly;
        }
    }

    /// <summary>The endpoints whose URLs are blobs for this fetcher; parse manifests with the same ones.</summary>
    public BlobEndpoints Endpoints { get; }

    /// <inheritdoc/>
    public async ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        _policy.Check(uri);
        var image = ImageUri.Parse(uri, Endpoints);
        if (image.Blob is not { } location)
        {
            throw new ImageFailureException(FailureReason.InvalidUri, $"{image} is not an Azure Blob URL");
        }
        var client = ClientFor(image, location);
        try
        {
            var response = await client.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var download = response.Value;
            var details = download.Details;
            var (buffer, length) = await BoundedStreamReader.ReadAsync(
                download.Content, details.ContentLength, _maxBytes, image.ToString(), cancellationToken).ConfigureAwait(false);
            return FetchedImage.Pooled(
                image.Value, ContentIds.ForETag(details.ETag.ToString()) ?? ContentIds.ForSha256(buffer.AsSpan(0, length)), buffer, length);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ImageFailureException(FailureReason.NotFound, $"{image} does not exist ({ex.ErrorCode})", ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 400 && ex.ErrorCode is "InvalidResourceName" or "InvalidUri" or "OutOfRangeInput")
        {
            throw new ImageFailureException(FailureReason.InvalidUri, $"{image} names no valid blob ({ex.ErrorCode})", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is > 400 and < 500 and not (408 or 412 or 429))
        {
            // 412: the blob changed while a resumed download ran; a later attempt reads the new version.
            throw new ImageFailureException(FailureReason.FetchFailed, $"{image} refused: HTTP {ex.Status} {ex.ErrorCode}", ex);
        }
        catch (Exception ex) when (IsOutage(ex, cancellationToken))
        {
            throw new ImageSourceUnavailableException($"blob service unavailable for {image}: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// What the SDK gives up on after its own retries: the service unreachable or failing (status 0, 5xx, 408,
    /// 429, 412 mid-download, any other 400), a network error or a timeout. Anything else is the image's failure.
    /// </summary>
    private static bool IsOutage(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        RequestFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(inner => IsOutage(inner, cancellationToken)),
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    // From the canonical URL itself, never from container + name through the SDK's GetBlobClient: that rebuilds
    // the URL with System.Uri, which drops a leading '/' and resolves './..' (another blob), and loses the query
    // (?snapshot=, ?versionid=: the current blob instead). BlobNames.Escape wrote the name so no parser changes it.
    private BlobClient ClientFor(ImageUri image, BlobLocation location) =>
        _service is not null && BlobEndpoints.SameService(location.ServiceUri, _service.Uri)
            ? BlobCredentials.CreateClient(_connectionString!, image.Uri, _clientOptions)
            : new BlobClient(image.Uri, _clientOptions);
}
