namespace Pipeline.IntegrationTests.Observability;

using System.Net;
using Pipeline.IntegrationTests.Infrastructure;

public sealed class WorkerShutdownProbeTests
{
    [Fact]
    public async Task Sigterm_ReadyWorkerWithMetricsListener_ExitsZero()
    {
        var port = FreePort.Next();
        var environment = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("probe"), "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var worker = WorkerProcess.Start(environment);

        // Ready is what the kubelet waits for: poll it as it would, instead of reading the log.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await StatusAsync(http, port) != HttpStatusCode.OK)
        {
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(200, timeout.Token);
        }

        var code = await worker.StopAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 0, worker.Log);
        Assert.Contains("Stopped cleanly", worker.Log, StringComparison.Ordinal);
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
