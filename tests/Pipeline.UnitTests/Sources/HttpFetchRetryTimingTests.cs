using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

/// <summary>The <c>http-fetch</c> retry pipeline on a fake clock: Retry-After honoured, back-off jittered and capped.</summary>
public sealed class HttpFetchRetryTimingTests
{
    private const string Url = "https://images.example.com/cat.jpg";
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];

    [Fact]
    public async Task FetchAsync_RetryAfter_WaitsThatLongOnTheClock()
    {
        var time = new FakeTimeProvider();
        var handler = new StubHttpHandler((_, call, _) =>
        {
            var response = new HttpResponseMessage(call == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK) { Content = new ByteArrayContent(call == 1 ? [] : Jpeg) };
            response.Headers.RetryAfter = call == 1 ? new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)) : null;
            return Task.FromResult(response);
        });
        using var fetcher = Fetcher(handler, time, maxDelay: TimeSpan.FromMinutes(1));

        var fetch = fetcher.FetchAsync(Url, CancellationToken.None).AsTask();
        await WaitForCallsAsync(handler, 1);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        var early = handler.Calls;
        time.Advance(TimeSpan.FromSeconds(1));
        var image = await fetch.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, early);
        Assert.Equal(2, handler.Calls);
        Assert.Equal(Jpeg, image.Data.ToArray());
    }

    [Fact]
    public async Task FetchAsync_ServerKeepsFailing_WaitsAreJitteredWithinTheCap()
    {
        var time = new FakeTimeProvider();
        var waits = new List<TimeSpan>();
        var last = time.GetUtcNow();
        var handler = new StubHttpHandler((_, _, _) =>
        {
            waits.Add(time.GetUtcNow() - last);
            last = time.GetUtcNow();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new ByteArrayContent([]) });
        });
        using var fetcher = Fetcher(handler, time);

        var fetch = fetcher.FetchAsync(Url, CancellationToken.None).AsTask();
        for (var steps = 0; !fetch.IsCompleted && steps < 10_000; steps++)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        var ex = await Assert.ThrowsAsync<ImageFailureException>(() => fetch);
        Assert.Equal(FailureReason.FetchFailed, ex.Reason);
        Assert.Contains("on all 6 attempts", ex.Message, StringComparison.Ordinal);
        var retries = waits.Skip(1).ToList();
        Assert.Equal(5, retries.Count);
        Assert.All(retries, w => Assert.InRange(w, TimeSpan.Zero, TimeSpan.FromSeconds(8) + TimeSpan.FromMilliseconds(50)));
        // Not the fixed ladder 1, 2, 4, 8, 8 s: jittered.
        Assert.NotEqual([1, 2, 4, 8, 8], retries.Select(w => Math.Round(w.TotalSeconds)));
    }

    private static HttpImageFetcher Fetcher(StubHttpHandler handler, TimeProvider time, TimeSpan? maxDelay = null) =>
        new(
            new FetchOptions
            {
                HttpRetries = 5, HttpRetryDelay = TimeSpan.FromSeconds(1), HttpMaxRetryDelay = maxDelay ?? TimeSpan.FromSeconds(8), HttpTimeout = TimeSpan.FromHours(1),
            },
            UriPolicy.AllowAll(), handler, time, NullLogger.Instance);

    private static async Task WaitForCallsAsync(StubHttpHandler handler, int calls)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (handler.Calls < calls)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
