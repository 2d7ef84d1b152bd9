using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

[Collection(EndToEndGroup.Name)]
public sealed class ShutdownTests(EndToEndFixture fixture)
{
    [Fact]
    public async Task Sigterm_IdleWorker_StopsConsumingAndExitsZero()
    {
        await using var worker = WorkerProcess.Start(fixture.Environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));

        var code = await worker.StopAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 0, worker.Log);
        Assert.Contains("Stopped cleanly", worker.Log, StringComparison.Ordinal);
    }
}
