using Pipeline.Common.Messaging;

namespace Pipeline.UnitTests.Messaging;

public sealed class QueueTopologyTests
{
    [Theory]
    [InlineData("00:00:00.200", "200ms")]
    [InlineData("00:00:07", "7s")]
    [InlineData("00:01:30", "1m30s")]
    [InlineData("00:05:00", "5m")]
    [InlineData("01:00:00.500", "1h500ms")]
    [InlineData("1.02:00:00", "1d2h")]
    [InlineData("00:00:00", "0ms")]
    public void DelayName_Durations_CompactUnits(string delay, string expected) =>
        Assert.Equal(expected, QueueTopology.DelayName(TimeSpan.Parse(delay, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Retry_DefaultBackOff_QueuesNamedByTheirDelay()
    {
        var topology = new QueueTopology(new RabbitMqOptions(), "mobilenetv2");

        Assert.Equal(
            ["pipeline.batches.mobilenetv2.retry.5s", "pipeline.batches.mobilenetv2.retry.10s", "pipeline.batches.mobilenetv2.retry.20s", "pipeline.batches.mobilenetv2.retry.40s"],
            Enumerable.Range(1, 4).Select(topology.Retry));
    }

    [Fact]
    public void Retry_ChangedBackOff_DifferentQueueNames()
    {
        var before = new QueueTopology(new RabbitMqOptions(), "m");
        var after = new QueueTopology(new RabbitMqOptions { RetryBaseDelay = TimeSpan.FromSeconds(7) }, "m");

        Assert.Empty(Enumerable.Range(1, 4).Select(before.Retry).Intersect(Enumerable.Range(1, 4).Select(after.Retry)));
    }

    [Fact]
    public void Retry_CappedDelay_AttemptsShareTheCapQueue()
    {
        var topology = new QueueTopology(new RabbitMqOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(3), MaxAttempts = 6 }, "m");

        Assert.Equal(["1s", "2s", "3s", "3s", "3s"], Enumerable.Range(1, 5).Select(a => topology.Retry(a).Split(".retry.")[1]));
    }

    [Theory]
    [InlineData(null, 20, false)]
    [InlineData(19L, 20, false)]
    [InlineData(20L, 20, true)]
    [InlineData(3, 2, true)]
    public void DeliveryLimit_DeliveryCountHeader_ExceededAtTheLimit(object? count, int maxDeliveries, bool exceeded)
    {
        var headers = count is null ? null : new Dictionary<string, object?> { [DeliveryLimit.DeliveryCountHeader] = count };

        Assert.Equal(exceeded, DeliveryLimit.IsExceeded(headers, maxDeliveries));
    }
}
