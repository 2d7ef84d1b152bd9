using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.IntegrationTests.Sources;

/// <summary>
/// The http fetcher against a real socket server: redirects, timeouts and limits as the network does them,
/// and the URI policy's connect-time address check (the ConnectCallback) and per-redirect check.
/// </summary>
public sealed class HttpFetcherTests : IAsyncDisposable
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 0xFF, 0xD9];

    private readonly TestHttpServer _server;

    public HttpFetcherTests()
    {
        _server = new TestHttpServer(RouteAsync);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task RouteAsync(HttpListenerContext context, CancellationToken stopping)
    {
        var response = context.Response;
        switch (context.Request.Url!.AbsolutePath)
        {
            case "/image.jpg":
                response.ContentType = "image/jpeg";
                response.AddHeader("ETag", "\"v1-abc\"");
                await WriteAsync(response, Jpeg, stopping);
                break;
            case "/no-etag.jpg":
                response.ContentType = "image/jpeg";
                await WriteAsync(response, Jpeg, stopping);
                break;
            case "/page.html":
                response.ContentType = "text/html";
                await WriteAsync(response, "<html>not an image</html>"u8.ToArray(), stopping);
                break;
            case "/missing.jpg":
                response.StatusCode = 404;
                break;
            case "/broken.jpg":
                response.StatusCode = 500;
                break;
            case "/flaky.jpg":
                // Fails twice, then serves: hits are counted before the handler runs.
                response.StatusCode = _server.Hits("/flaky.jpg") <= 2 ? 503 : 200;
                if (response.StatusCode == 200)
                {
                    await WriteAsync(response, Jpeg, stopping);
                }
                break;
            case "/loop":
                response.Redirect("/loop");
                break;
            case "/moved.jpg":
                response.Redirect("/image.jpg");
                break;
            case "/to-localhost":
                // This server again, by another name: only the host allow-list tells them apart.
                response.Redirect($"http://localhost:{_server.BaseUri.Port}/image.jpg");
                break;
            case "/stalled.jpg":
                response.ContentLength64 = 1000;
                await response.OutputStream.WriteAsync(Jpeg, stopping);
                await response.OutputStream.FlushAsync(stopping);
                await Task.Delay(Timeout.Infinite, stopping);
                break;
            case "/declared-huge.jpg":
                response.ContentLength64 = 10_000_000;
                await response.OutputStream.WriteAsync(Jpeg, stopping);
                await Task.Delay(Timeout.Infinite, stopping);
                break;
            case "/chunked-huge.jpg":
                response.SendChunked = true;
                var chunk = new byte[16 * 1024];
                for (var i = 0; i < 64; i++)
                {
                    await response.OutputStream.WriteAsync(chunk, stopping);
                }
                break;
            default:
                response.StatusCode = 400;
                break;
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, byte[] body, CancellationToken stopping)
    {
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body, stopping);
    }

    private static HttpImageFetcher Fetcher(Action<FetchOptions>? configure = null)
    {
        var options = new FetchOptions
        {
            HttpRetries = 2,
            HttpRetryDelay = TimeSpan.FromMilliseconds(10),
            HttpMaxRetryDelay = TimeSpan.FromMilliseconds(50),
            HttpTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return new HttpImageFetcher(Options.Create(options), UriPolicy.AllowAll(), TimeProvider.System, NullLogger<HttpImageFetcher>.Instance);
    }

    private static HttpImageFetcher PolicyFetcher(Action<UriPolicyOptions> configure)
    {
        var policy = new UriPolicyOptions();
        configure(policy);
        var options = new FetchOptions { HttpRetries = 0, HttpTimeout = TimeSpan.FromSeconds(5) };
        return new HttpImageFetcher(
            Options.Create(options), new UriPolicy(policy, BlobEndpoints.PublicCloudOnly), TimeProvider.System, NullLogger<HttpImageFetcher>.Instance);
    }

    private async Task<ImageFailureException> FailsAsync(string path, Action<FetchOptions>? configure = null)
    {
        using var fetcher = Fetcher(configure);
        return await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(_server.Url(path), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task FetchAsync_ImageWithEtag_HasTheEtagIdentity()
    {
        using var fetcher = Fetcher();

        var image = await fetcher.FetchAsync(_server.Url("/image.jpg"), CancellationToken.None);

        Assert.Equal(Jpeg, image.Data.ToArray());
        Assert.Equal("etag:v1-abc", image.ContentId);
        Assert.Equal(_server.Url("/image.jpg"), image.Uri);
    }

    [Fact]
    public async Task FetchAsync_ImageWithoutEtag_HasASha256Identity()
    {
        using var fetcher = Fetcher();

        var image = await fetcher.FetchAsync(_server.Url("/no-etag.jpg"), CancellationToken.None);

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Jpeg)), image.ContentId);
    }

    [Fact]
    public async Task FetchAsync_Html_IsReturnedForTheDecoderToReject()
    {
        using var fetcher = Fetcher();

        var page = await fetcher.FetchAsync(_server.Url("/page.html"), CancellationToken.None);

        Assert.StartsWith("<html>", System.Text.Encoding.UTF8.GetString(page.Data.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_Http404_IsNotFoundAfterOneAttempt()
    {
        var ex = await FailsAsync("/missing.jpg");

        Assert.Equal(FailureReason.NotFound, ex.Reason);
        Assert.Equal(1, _server.Hits("/missing.jpg"));
    }

    [Fact]
    public async Task FetchAsync_ServerError_IsRetriedThenFetchFailed()
    {
        var ex = await FailsAsync("/broken.jpg", o => o.HttpRetries = 3);

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(4, _server.Hits("/broken.jpg"));
    }

    [Fact]
    public async Task FetchAsync_TransientErrorsThatClear_AreRetriedToSuccess()
    {
        using var fetcher = Fetcher();

        var image = await fetcher.FetchAsync(_server.Url("/flaky.jpg"), CancellationToken.None);

        Assert.Equal(Jpeg, image.Data.ToArray());
        Assert.Equal(3, _server.Hits("/flaky.jpg"));
    }

    [Fact]
    public async Task FetchAsync_Redirect_IsFollowed()
    {
        using var fetcher = Fetcher();

        var image = await fetcher.FetchAsync(_server.Url("/moved.jpg"), CancellationToken.None);

        Assert.Equal("etag:v1-abc", image.ContentId);
        Assert.Equal(_server.Url("/moved.jpg"), image.Uri);
    }

    [Fact]
    public async Task FetchAsync_RedirectLoop_IsFetchFailedAfterTheLimit()
    {
        var ex = await FailsAsync("/loop");

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(6, _server.Hits("/loop")); // the request and 5 followed redirects
    }

    [Fact]
    public async Task FetchAsync_StalledResponse_IsTimeout()
    {
        var started = TimeProvider.System.GetTimestamp();

        var ex = await FailsAsync("/stalled.jpg", o => o.HttpTimeout = TimeSpan.FromMilliseconds(300));

        Assert.Equal(FailureReason.Timeout, ex.Reason);
        Assert.Equal(1, _server.Hits("/stalled.jpg"));
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task FetchAsync_DeclaredOverSizeBody_IsTooLargeWithoutWaitingForIt()
    {
        var ex = await FailsAsync("/declared-huge.jpg", o => o.MaxBytes = 1_000_000);

        Assert.Equal(FailureReason.TooLarge, ex.Reason);
    }

    [Fact]
    public async Task FetchAsync_ChunkedOverSizeBody_IsTooLarge()
    {
        var ex = await FailsAsync("/chunked-huge.jpg", o => o.MaxBytes = 100_000);

        Assert.Equal(FailureReason.TooLarge, ex.Reason);
    }

    [Fact]
    public async Task FetchAsync_RefusedConnection_IsRetriedThenFetchFailed()
    {
        var gone = new TestHttpServer((_, _) => Task.CompletedTask);
        var url = gone.Url("/image.jpg");
        await gone.DisposeAsync();
        using var fetcher = Fetcher();

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(url, CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Contains("3 attempts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NameResolvingToLoopback_IsRefusedAtConnectWithoutARequest()
    {
        using var fetcher = PolicyFetcher(_ => { });

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            fetcher.FetchAsync($"http://localhost:{_server.BaseUri.Port}/image.jpg", CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("localhost resolves to", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Hits("/image.jpg"));
    }

    [Fact]
    public async Task FetchAsync_LoopbackLiteral_IsRefusedByDefaultAndFetchedWhenPrivateNetworksAreAllowed()
    {
        using var strict = PolicyFetcher(_ => { });
        using var open = PolicyFetcher(o => o.AllowPrivateNetworks = true);

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => strict.FetchAsync(_server.Url("/image.jpg"), CancellationToken.None).AsTask());
        var image = await open.FetchAsync(_server.Url("/image.jpg"), CancellationToken.None);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Equal(Jpeg, image.Data.ToArray());
        Assert.Equal(1, _server.Hits("/image.jpg"));
    }

    [Fact]
    public async Task FetchAsync_RedirectToHostOutsideAllowList_IsRefusedBeforeFollowing()
    {
        using var fetcher = PolicyFetcher(o =>
        {
            o.AllowPrivateNetworks = true;
            o.AllowedHosts.Add("127.0.0.1");
        });

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(_server.Url("/to-localhost"), CancellationToken.None).AsTask());
        var followed = await fetcher.FetchAsync(_server.Url("/moved.jpg"), CancellationToken.None);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("'localhost' is not in UriPolicy:AllowedHosts", ex.Message, StringComparison.Ordinal);
        Assert.Equal("etag:v1-abc", followed.ContentId);
        Assert.Equal(1, _server.Hits("/image.jpg"));
    }
}
