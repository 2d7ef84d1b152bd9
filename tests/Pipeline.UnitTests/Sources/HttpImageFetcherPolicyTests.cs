using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

/// <summary>The http fetcher applies the URI policy before the first request and before following each redirect.</summary>
public sealed class HttpImageFetcherPolicyTests
{
    private const string Url = "https://images.example.com/cat.jpg";

    private static HttpImageFetcher Fetcher(StubHttpHandler handler, Action<UriPolicyOptions>? configure = null, int maxRedirects = 5)
    {
        var policy = new UriPolicyOptions();
        configure?.Invoke(policy);
        var options = new FetchOptions { HttpRetries = 0, HttpMaxRedirects = maxRedirects };
        return new HttpImageFetcher(options, new UriPolicy(policy, BlobEndpoints.PublicCloudOnly), handler, TimeProvider.System, NullLogger.Instance);
    }

    private static StubHttpHandler RedirectsTo(string location) => new((request, _, _) =>
        Task.FromResult(request.RequestUri!.AbsolutePath == "/final.jpg"
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) }
            : new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri(location, UriKind.RelativeOrAbsolute) } }));

    private static async Task<ImageFailureException> FailsAsync(HttpImageFetcher fetcher, string url = Url) =>
        await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(url, CancellationToken.None).AsTask());

    [Theory]
    [InlineData("http://127.0.0.1/a.jpg")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/")]
    public async Task FetchAsync_NonPublicLiteral_IsRefusedWithoutARequest(string url)
    {
        var handler = RedirectsTo("/final.jpg");
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher, url);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Equal(0, handler.Calls);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/")]
    [InlineData("http://10.0.0.7:9200/")]
    [InlineData("http://[::ffff:127.0.0.1]:8080/")]
    public async Task FetchAsync_RedirectToNonPublicAddress_IsRefusedBeforeFollowing(string location)
    {
        var handler = RedirectsTo(location);
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_RedirectToHostOutsideAllowList_IsRefused()
    {
        var handler = RedirectsTo("https://elsewhere.example.net/final.jpg");
        using var fetcher = Fetcher(handler, o => o.AllowedHosts.Add("images.example.com"));

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("elsewhere.example.net", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_RedirectToFileUri_IsRefused()
    {
        var handler = RedirectsTo("file:///etc/passwd");
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.Refused, ex.Reason);
    }

    [Fact]
    public async Task FetchAsync_RelativeRedirectOnAllowedHost_IsFollowed()
    {
        var handler = RedirectsTo("/final.jpg");
        using var fetcher = Fetcher(handler, o => o.AllowedHosts.Add("images.example.com"));

        var image = await fetcher.FetchAsync(Url, CancellationToken.None);

        Assert.Equal([1, 2, 3], image.Data.ToArray());
        Assert.Equal(Url, image.Uri);
        Assert.Equal(2, handler.Calls);
        Assert.Equal("https://images.example.com/final.jpg", handler.Requests[1].RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task FetchAsync_RedirectFromHttpsToHttp_IsFetchFailed()
    {
        var handler = RedirectsTo("http://images.example.com/final.jpg");
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_RedirectsPastTheLimit_IsFetchFailed()
    {
        var handler = RedirectsTo("/again");
        using var fetcher = Fetcher(handler, maxRedirects: 2);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(3, handler.Calls);
    }
}
