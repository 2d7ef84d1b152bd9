namespace Pipeline.UnitTests.Worker;

using Pipeline.Worker;

public sealed class WorkerOptionsTests
{
    [Theory]
    [InlineData(32, 32, 2)]
    [InlineData(64, 32, 4)]
    [InlineData(8, 3, 6)]
    [InlineData(1, 100, 2)]
    public void EffectivePrefetch_Auto_HoldsTwoInferenceBatches(int batch, int messageSize, int expected) =>
        Assert.Equal(expected, new WorkerOptions { InferenceBatchSize = batch, ExpectedMessageSize = messageSize }.EffectivePrefetch);

    [Fact]
    public void EffectivePrefetch_Configured_WinsOverAuto() =>
        Assert.Equal(7, new WorkerOptions { Prefetch = 7 }.EffectivePrefetch);
}
