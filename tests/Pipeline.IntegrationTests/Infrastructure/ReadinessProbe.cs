using System.Net;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>Polls a worker's <c>/readyz</c> the way the kubelet does.</summary>
internal static class ReadinessProbe
{
    public static async Task WaitUntilReadyAsync(WorkerProcess worker, int port, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var cts = new CancellationTokenSource(timeout);
        while (await StatusAsync(http, port) != HttpStatusCode.OK)
        {
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(200, cts.Token);
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, int port)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return null;
        }
    }
}
