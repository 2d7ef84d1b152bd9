using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class HttpImageFetcherTests
{
    private const string Url = "https://images.example.com/cat.jpg";
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];

    private static HttpImageFetcher Fetcher(StubHttpHandler handler, Action<FetchOptions>? configure = null)
    {
        var options = new FetchOptions { HttpRetries = 2, HttpRetryDelay = TimeSpan.FromMilliseconds(1), HttpMaxRetryDelay = TimeSpan.FromMilliseconds(5) };
        configure?.Invoke(options);
        return new HttpImageFetcher(options, UriPolicy.AllowAll(), handler, TimeProvider.System, NullLogger.Instance);
    }

    private static StubHttpHandler Answer(Func<int, HttpResponseMessage> respond) =>
        new((_, call, _) => Task.FromResult(respond(call)));

    private static HttpResponseMessage Status(HttpStatusCode status, byte[]? body = null) =>
        new(status) { Content = new ByteArrayContent(body ?? []) };

    private static async Task<ImageFailureException> FailsAsync(HttpImageFetcher fetcher, string url = Url) =>
        await Assert.ThrowsAsync<ImageFailureException>(() => fetcher.FetchAsync(url, CancellationToken.None).AsTask());

    [Fact]
    public async Task FetchAsync_StrongEtag_IsTheIdentity()
    {
        var handler = Answer(_ =>
        {
            var response = Status(HttpStatusCode.OK, Jpeg);
            response.Headers.ETag = new EntityTagHeaderValue("\"v1-abc\"");
            return response;
        });
        using var fetcher = Fetcher(handler);

        var image = await fetcher.FetchAsync(Url, CancellationToken.None);

        Assert.Equal(Jpeg, image.Data.ToArray());
        Assert.Equal("etag:v1-abc", image.ContentId);
        Assert.Equal(Url, image.Uri);
        Assert.Contains(handler.Requests[0].Headers.Accept, a => a.MediaType == "image/*");
        Assert.NotEmpty(handler.Requests[0].Headers.UserAgent);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FetchAsync_WeakOrMissingEtag_FallsBackToSha256(bool weak)
    {
        using var fetcher = Fetcher(Answer(_ =>
        {
            var response = Status(HttpStatusCode.OK, Jpeg);
            if (weak)
            {
                response.Headers.ETag = new EntityTagHeaderValue("\"v1\"", isWeak: true);
            }
            return response;
        }));

        var image = await fetcher.FetchAsync(Url, CancellationToken.None);

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Jpeg)), image.ContentId);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, FailureReason.NotFound)]
    [InlineData(HttpStatusCode.Gone, FailureReason.NotFound)]
    [InlineData(HttpStatusCode.Forbidden, FailureReason.FetchFailed)]
    [InlineData(HttpStatusCode.Unauthorized, FailureReason.FetchFailed)]
    [InlineData(HttpStatusCode.BadRequest, FailureReason.FetchFailed)]
    [InlineData(HttpStatusCode.Found, FailureReason.FetchFailed)]
    public async Task FetchAsync_PermanentStatuses_FailOnTheFirstAttempt(HttpStatusCode status, FailureReason reason)
    {
        var handler = Answer(_ => Status(status));
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(reason, ex.Reason);
        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task FetchAsync_TransientStatuses_AreRetriedThenFetchFailed(HttpStatusCode status)
    {
        var handler = Answer(_ => Status(status));
        using var fetcher = Fetcher(handler, o => o.HttpRetries = 3);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(4, handler.Calls);
        Assert.Contains("4 attempts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_RetryThatSucceeds_ReturnsTheImage()
    {
        var handler = Answer(call =>
        {
            if (call == 1)
            {
                var busy = Status(HttpStatusCode.TooManyRequests);
                busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMilliseconds(1));
                return busy;
            }
            return call == 2 ? Status(HttpStatusCode.BadGateway) : Status(HttpStatusCode.OK, Jpeg);
        });
        using var fetcher = Fetcher(handler);

        var image = await fetcher.FetchAsync(Url, CancellationToken.None);

        Assert.Equal(Jpeg, image.Data.ToArray());
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_ZeroRetries_MeansOneAttempt()
    {
        var handler = Answer(_ => Status(HttpStatusCode.InternalServerError));
        using var fetcher = Fetcher(handler, o => o.HttpRetries = 0);

        await FailsAsync(fetcher);

        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_RefusedConnections_AreRetriedThenFetchFailed()
    {
        var handler = new StubHttpHandler((_, _, _) =>
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_TlsFailure_IsNotRetried()
    {
        var handler = new StubHttpHandler((_, _, _) =>
            throw new HttpRequestException(HttpRequestError.SecureConnectionError, "bad certificate"));
        using var fetcher = Fetcher(handler);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_DeclaredLengthOverMaxBytes_IsTooLargeWithoutReading()
    {
        var body = new NeverEndingStream();
        using var fetcher = Fetcher(Answer(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
            response.Content.Headers.ContentLength = 1001;
            return response;
        }), o => o.MaxBytes = 1000);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.TooLarge, ex.Reason);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task FetchAsync_UndeclaredBodyOverMaxBytes_IsTooLargeAfterOneExtraByteAtMost()
    {
        var body = new NeverEndingStream();
        using var fetcher = Fetcher(Answer(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) }), o => o.MaxBytes = 100_000);

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.TooLarge, ex.Reason);
        Assert.InRange(body.BytesRead, 100_001, 100_000 + 81_920);
    }

    [Fact]
    public async Task FetchAsync_BodyOfExactlyMaxBytes_IsAccepted()
    {
        using var fetcher = Fetcher(Answer(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(new byte[1000])) }),
            o => o.MaxBytes = 1000);

        var image = await fetcher.FetchAsync(Url, CancellationToken.None);

        Assert.Equal(1000, image.Data.Length);
    }

    [Fact]
    public async Task FetchAsync_NoAnswerWithinHttpTimeout_IsTimeoutNotRetried()
    {
        var handler = new StubHttpHandler(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        using var fetcher = Fetcher(handler, o => o.HttpTimeout = TimeSpan.FromMilliseconds(100));

        var ex = await FailsAsync(fetcher);

        Assert.Equal(FailureReason.Timeout, ex.Reason);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task FetchAsync_CallerCancellation_IsNotAnImageFailure()
    {
        var handler = new StubHttpHandler(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        using var fetcher = Fetcher(handler);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(Url, cts.Token).AsTask());
    }

    [Fact]
    public async Task FetchAsync_FailureMessages_NeverContainTheQuery()
    {
        using var fetcher = Fetcher(Answer(_ => Status(HttpStatusCode.Forbidden)));

        var ex = await FailsAsync(fetcher, "https://acct.blob.core.windows.net/c/x.jpg?sv=2024&sig=TOPSECRET");

        Assert.DoesNotContain("TOPSECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://acct.blob.core.windows.net/c/x.jpg?[redacted]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_FileUri_IsInvalidUri()
    {
        using var fetcher = Fetcher(Answer(_ => Status(HttpStatusCode.OK)));

        var ex = await FailsAsync(fetcher, "file:///tmp/a.jpg");

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }
}
