using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class ImageFetcherTests
{
    private readonly RecordingFetcher _files = new("file");
    private readonly RecordingFetcher _blobs = new("blob");
    private readonly RecordingFetcher _http = new("http");

    private ImageFetcher Dispatcher() =>
        new(_files, _blobs, _http, UriPolicy.AllowAll(BlobEndpoints.FromConnectionString("UseDevelopmentStorage=true")));

    [Theory]
    [InlineData("/data/a.jpg", "file", "file:///data/a.jpg")]
    [InlineData("file:///data/a%20b.jpg", "file", "file:///data/a%20b.jpg")]
    [InlineData("https://acct.blob.core.windows.net/c/a.jpg?sig=x", "blob", "https://acct.blob.core.windows.net/c/a.jpg?sig=x")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/c/a b.jpg", "blob", "http://127.0.0.1:10000/devstoreaccount1/c/a%20b.jpg")]
    [InlineData("http://127.0.0.1:8080/c/a.jpg", "http", "http://127.0.0.1:8080/c/a.jpg")]
    [InlineData("HTTPS://Example.com/a.jpg", "http", "https://example.com/a.jpg")]
    public async Task FetchAsync_UriKinds_DispatchTheNormalisedUri(string uri, string expectedFetcher, string expectedUri)
    {
        var image = await Dispatcher().FetchAsync(uri, CancellationToken.None);

        Assert.Equal(expectedFetcher, image.ContentId);
        Assert.Equal(expectedUri, image.Uri);
    }

    [Theory]
    [InlineData("http:///y.jpg", FailureReason.InvalidUri)]
    [InlineData("gopher://x/y.jpg", FailureReason.Refused)]
    [InlineData("/data/../etc/passwd", FailureReason.Refused)]
    public async Task FetchAsync_InvalidOrRefusedUri_FailsBeforeAnyFetcherRuns(string uri, FailureReason reason)
    {
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => Dispatcher().FetchAsync(uri, CancellationToken.None).AsTask());

        Assert.Equal(reason, ex.Reason);
        Assert.Equal(0, _files.Calls + _blobs.Calls + _http.Calls);
    }

    [Fact]
    public async Task FetchAsync_CancellationToken_IsPassedThrough()
    {
        using var cts = new CancellationTokenSource();

        await Dispatcher().FetchAsync("https://example.com/a.jpg", cts.Token);

        Assert.Equal(cts.Token, _http.LastToken);
    }

    private sealed class RecordingFetcher(string name) : IImageFetcher
    {
        public int Calls { get; private set; }

        public CancellationToken LastToken { get; private set; }

        public ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
        {
            Calls++;
            LastToken = cancellationToken;
            return ValueTask.FromResult(new FetchedImage(uri, name, ReadOnlyMemory<byte>.Empty));
        }
    }
}
