using Pipeline.Common;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.Worker;

namespace Pipeline.UnitTests.Worker;

public sealed class InFlightMessageTests
{
    private static BatchMessage Message(bool force = false) =>
        new(Guid.NewGuid(), 3, "m", force, [new ImageRef("file:///a", "stat:1:1"), new ImageRef("file:///b", null), new ImageRef("file:///c", null)]);

    [Fact]
    public void Complete_LastOutcome_CompletesOnceAndCountsEachKind()
    {
        var message = new InFlightMessage(Message(), 42, new Dictionary<string, string>());

        Assert.False(message.Complete(1, new ItemOutcome(new EmbeddedImage("file:///b", "stat:2:2", [1f]), null)));
        Assert.False(message.Complete(0, ItemOutcome.Skipped));
        Assert.True(message.Complete(2, new ItemOutcome(null, new FailedImage("file:///c", FailureReason.NotFound, "gone"))));

        var outcome = message.ToOutcome();
        Assert.Equal(3, outcome.BatchNo);
        Assert.Single(outcome.Embedded);
        Assert.Single(outcome.Failed);
        Assert.Equal(1, outcome.Skipped);
    }

    [Fact]
    public void Complete_AbandonedMessage_NeverCompletes()
    {
        var message = new InFlightMessage(Message(), 1, new Dictionary<string, string>());
        Assert.True(message.Abandon());
        Assert.False(message.Abandon());
        message.Complete(0, ItemOutcome.Skipped);
        message.Complete(1, ItemOutcome.Skipped);
        Assert.False(message.Complete(2, ItemOutcome.Skipped));
    }

    [Theory]
    [InlineData("stat:1:1", false, true)]
    [InlineData("stat:1:2", false, false)]
    [InlineData(null, false, false)]
    [InlineData("stat:1:1", true, false)]
    public void IsUpToDate_StoredIdentity_IsComparedUnlessForced(string? contentId, bool force, bool expected)
    {
        var message = new InFlightMessage(Message(force), 1, new Dictionary<string, string> { ["file:///a"] = "stat:1:1" });
        Assert.Equal(expected, message.IsUpToDate("file:///a", contentId));
    }
}
