namespace Pipeline.UnitTests.Worker;

using Pipeline.Worker;

public sealed class WorkerOptionsTests
{
    [Theory]
    [InlineData(32, 32, 4)]
    [InlineData(64, 32, 8)]
    [InlineData(8, 3, 12)]
    [InlineData(1, 100, 4)]
    public void EffectivePrefetch_Auto_HoldsFourInferenceBatches(int batch, int messageSize, int expected) =>
        Assert.Equal(expected, new WorkerOptions { InferenceBatchSize = batch, ExpectedMessageSize = messageSize }.EffectivePrefetch);

    [Fact]
    public void EffectivePrefetch_Configured_WinsOverAuto() =>
        Assert.Equal(7, new WorkerOptions { Prefetch = 7 }.EffectivePrefetch);
}
