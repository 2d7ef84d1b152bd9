using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;

namespace Pipeline.IntegrationTests.Sources;

/// <summary>
/// The URI policy on real sockets: a name that resolves to loopback is refused at connect time (the check
/// SocketsHttpHandler's ConnectCallback makes), and a redirect is checked before it is followed.
/// </summary>
public sealed class UriPolicyHttpTests : IAsyncDisposable
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 0xFF, 0xD9];

    private readonly TestHttpServer _server;

    public UriPolicyHttpTests()
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
                response.ContentLength64 = Jpeg.Length;
                await response.OutputStream.WriteAsync(Jpeg, stopping);
                break;
            case "/to-localhost":
                // Same server, reached by another name: only the host allow-list tells them apart.
                response.Redirect($"http://localhost:{_server.BaseUri.Port}/image.jpg");
                break;
            case "/to-self":
                response.Redirect("/image.jpg");
                break;
            default:
                response.StatusCode = 404;
                break;
        }
    }

    private static HttpImageFetcher Fetcher(Action<UriPolicyOptions> configure)
    {
        var policy = new UriPolicyOptions();
        configure(policy);
        var options = new FetchOptions { HttpRetries = 0, HttpTimeout = TimeSpan.FromSeconds(5) };
        return new HttpImageFetcher(
            Options.Create(options), new UriPolicy(policy, BlobEndpoints.PublicCloudOnly), TimeProvider.System, NullLogger<HttpImageFetcher>.Instance);
    }

    [Fact]
    public async Task FetchAsync_NameResolvingToLoopback_IsRefusedAtConnectWithoutARequest()
    {
        using var fetcher = Fetcher(_ => { });

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            fetcher.FetchAsync($"http://localhost:{_server.BaseUri.Port}/image.jpg", CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("localhost resolves to", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Hits("/image.jpg"));
    }

    [Fact]
    public async Task FetchAsync_LoopbackLiteral_IsRefusedByDefaultAndFetchedWhenPrivateNetworksAreAllowed()
    {
        using var strict = Fetcher(_ => { });
        using var open = Fetcher(o => o.AllowPrivateNetworks = true);

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => strict.FetchAsync(_server.Url("/image.jpg"), CancellationToken.None).AsTask());
        var image = await open.FetchAsync(_server.Url("/image.jpg"), CancellationToken.None);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Equal(Jpeg, image.Data.ToArray());
        Assert.Equal(1, _server.Hits("/image.jpg"));
    }

    [Fact]
    public async Task FetchAsync_RedirectToHostOutsideAllowList_IsRefusedBeforeFollowing()
    {
        using var fetcher = Fetcher(o =>
        {
            o.AllowPrivateNetworks = true;
            o.AllowedHosts.Add("127.0.0.1");
        });

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(_server.Url("/to-localhost"), CancellationToken.None).AsTask());
        var followed = await fetcher.FetchAsync(_server.Url("/to-self"), CancellationToken.None);

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("'localhost' is not in UriPolicy:AllowedHosts", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Jpeg, followed.Data.ToArray());
        Assert.Equal(1, _server.Hits("/image.jpg"));
    }
}
