using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Storage;

public sealed class JobStatusTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Pending_TotalKnown_IsTotalMinusDone()
    {
        var status = new JobStatus(Guid.Empty, "m", "s", "running", 10, 4, 1, 2, 4, 2, Start, Start, Start.AddSeconds(2), null);
        Assert.Equal(7, status.Done);
        Assert.Equal(3, status.Pending);
        Assert.False(status.IsComplete);
    }

    [Fact]
    public void Pending_WhileEnqueuing_IsUnknown()
    {
        var status = new JobStatus(Guid.Empty, "m", "s", "enqueuing", null, 0, 0, 0, null, 0, Start, null, null, null);
        Assert.Null(status.Pending);
        Assert.Null(status.ImagesPerSecond(0));
    }

    [Fact]
    public void ImagesPerSecond_ImagesSkippedAtEnqueue_AreExcluded()
    {
        var status = new JobStatus(Guid.Empty, "m", "s", "completed", 30, 20, 0, 10, 1, 1, Start, Start, Start.AddSeconds(4), Start.AddSeconds(4));
        Assert.Equal(5.0, status.ImagesPerSecond(doneAtEnqueue: 10));
    }
}
