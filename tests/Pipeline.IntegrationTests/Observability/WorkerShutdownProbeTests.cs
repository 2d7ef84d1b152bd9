using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Observability;

public sealed class WorkerShutdownProbeTests
{
    [Fact]
    public async Task Sigterm_ReadyWorkerWithMetricsListener_ExitsZero()
    {
        var port = FreePort.Next();
        var environment = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("probe"), "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var worker = WorkerProcess.Start(environment);
        await ReadinessProbe.WaitUntilReadyAsync(worker, port, TimeSpan.FromMinutes(2));

        var code = await worker.StopAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 0, worker.Log);
        Assert.Contains("Stopped cleanly", worker.Log, StringComparison.Ordinal);
    }
}
