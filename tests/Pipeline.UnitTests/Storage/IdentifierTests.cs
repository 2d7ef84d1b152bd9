using Pipeline.Common.Messaging;
using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Storage;

/// <summary>Model ids name tables and queues: every way in validates them.</summary>
public sealed class IdentifierTests
{
    [Theory]
    [InlineData("m; DROP TABLE jobs")]
    [InlineData("m\"x")]
    [InlineData("Mobilenet")]
    [InlineData("m.other")]
    public void QueueForAndTable_UnsafeModelId_Throw(string modelId)
    {
        Assert.Throws<ArgumentException>(() => new RabbitMqOptions().QueueFor(modelId));
        Assert.Throws<ArgumentException>(() => new ModelIdentity(modelId, "sha", "p", "avg", 8).Table);
    }

    [Fact]
    public void QueueFor_SafeModelId_IsPrefixDotId()
    {
        Assert.Equal("pipeline.batches.resnet_50", new RabbitMqOptions().QueueFor("resnet_50"));
    }
}
