using Azure.Core;
using Azure.Core.Pipeline;

namespace Pipeline.IntegrationTests.Sources;

/// <summary>Counts SDK requests whose query contains a marker (e.g. <c>comp=list</c>).</summary>
public sealed class RequestCountingPolicy(string queryMarker) : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => _count;

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Uri.Query.Contains(queryMarker, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
