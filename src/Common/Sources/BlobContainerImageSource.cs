using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.Common.Sources;

/// <summary>
/// The image blobs of one container under a name prefix, streamed page by page in the service's
/// (lexicographic) order. Identity is the ETag from the listing; URIs never carry the client's SAS.
/// Names are kept verbatim (<see cref="BlobNames"/>): one URI per blob.
/// </summary>
public sealed class BlobContainerImageSource : IImageSource
{
    /// <summary>Blobs asked for per listing page (the service returns at most 5,000).</summary>
    public const int DefaultPageSizeHint = 5000;

    private readonly BlobContainerClient _container;
    private readonly string? _prefix;
    private readonly int _pageSizeHint;
    private readonly Uri _serviceUri;

    /// <param name="container">From <see cref="BlobServiceClientFactory.Create"/>, so listing shares the retry policy.</param>
    /// <param name="prefix">Blob name prefix, e.g. <c>photos/2024/</c>; null lists the whole container.</param>
    /// <param name="pageSizeHint">Blobs per listing request; the service caps it at 5000.</param>
    public BlobContainerImageSource(BlobContainerClient container, string? prefix = null, int pageSizeHint = DefaultPageSizeHint)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSizeHint);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSizeHint, DefaultPageSizeHint);
        _container = container;
        _prefix = string.IsNullOrEmpty(prefix) ? null : prefix;
        _pageSizeHint = pageSizeHint;
        // The container URL less its last segment: host-style https://acct.blob.core.windows.net or path-style
        // http://127.0.0.1:10000/devstoreaccount1, as ImageUri reads it back.
        var containerUrl = WithoutQuery(container.Uri).AbsoluteUri.TrimEnd('/');
        _serviceUri = new Uri(containerUrl[..containerUrl.LastIndexOf('/')]);
    }

    /// <inheritdoc/>
    public string Description => $"blob:{WithoutQuery(_container.Uri)}/{_prefix}";

    /// <inheritdoc/>
    public async IAsyncEnumerable<ImageRef> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _container
            .GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix }, cancellationToken)
            .AsPages(continuationToken: null, pageSizeHint: _pageSizeHint);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var item in page.Values)
            {
                if (ImageExtensions.IsImage(item.Name))
                {
                    // Not the SDK's GetBlobClient(name).Uri: it drops a leading '/' and resolves './..' segments.
                    var uri = BlobNames.Format(_serviceUri, _container.Name, item.Name);
                    yield return new ImageRef(uri, ContentIds.ForETag(item.Properties.ETag?.ToString()));
                }
            }
        }
    }

    // A container client made from a SAS URL hands the SAS to every blob URI it builds.
    private static Uri WithoutQuery(Uri uri) =>
        uri.Query.Length == 0 ? uri : new Uri(uri.GetLeftPart(UriPartial.Path));
}
