namespace Pipeline.Common.Sources;

/// <summary>
/// The fetcher workers use: checks the URI against the <see cref="UriPolicy"/> (on the text as given, so
/// <c>..</c> is still visible), then hands the normalised URI to the file, blob or http fetcher.
/// </summary>
public sealed class ImageFetcher : IImageFetcher
{
    private readonly IImageFetcher _files;
    private readonly IImageFetcher _blobs;
    private readonly IImageFetcher _http;
    private readonly UriPolicy _policy;

    /// <param name="policy">Its <see cref="UriPolicy.BlobEndpoints"/> must be those <paramref name="blobs"/> serves (<see cref="BlobImageFetcher.Endpoints"/>).</param>
    public ImageFetcher(IImageFetcher files, IImageFetcher blobs, IImageFetcher http, UriPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(policy);
        _files = files;
        _blobs = blobs;
        _http = http;
        _policy = policy;
    }

    /// <inheritdoc/>
    public async ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        var image = _policy.Check(uri);
        var fetcher = image.Kind switch
        {
            ImageUriKind.File => _files,
            ImageUriKind.Blob => _blobs,
            _ => _http,
        };
        return await fetcher.FetchAsync(image.Value, cancellationToken).ConfigureAwait(false);
    }
}
