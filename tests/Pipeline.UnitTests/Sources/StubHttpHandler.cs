namespace Pipeline.UnitTests.Sources;

/// <summary>An in-memory HTTP "server": answers each request with the delegate and counts the calls.</summary>
public sealed class StubHttpHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private int _calls;

    public int Calls => _calls;

    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (Requests)
        {
            Requests.Add(request);
        }
        return respond(request, call, cancellationToken);
    }
}
