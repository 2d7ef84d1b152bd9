using Pipeline.Common.Storage;
using Pipeline.Scheduler.Status;

namespace Pipeline.UnitTests.Scheduler;

public sealed class JobProgressTests
{
    private static readonly DateTimeOffset Created = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>100 images, 40 embedded in the first 10 s: 4 img/s, 60 pending, so 15 s left.</summary>
    internal static JobProgress Running(long? total = 100, long embedded = 40, bool committed = true) => JobProgress.From(
        new JobStatus(
            Guid.Parse("0193a7c2-0000-7000-8000-000000000001"), "mobilenetv2", "folder", "running", total, embedded, 0, 0, 4, 2,
            Created, committed ? Created.AddSeconds(1) : null, committed ? Created.AddSeconds(10) : null, null),
        skippedAtEnqueue: 0);

    internal static JobProgress Completed() => JobProgress.From(
        Running().Status with { State = "completed", Embedded = 100, CompletedAt = Created.AddSeconds(25), LastCommitAt = Created.AddSeconds(25) },
        skippedAtEnqueue: 0);

    [Fact]
    public void Describe_RunningJob_EndsWithRateAndEta()
    {
        Assert.Equal(
            "job 0193a7c2-0000-7000-8000-000000000001 [running] model mobilenetv2: images 100, done 40, failed 0, skipped 0, pending 60, 4.0 img/s, ETA 00:00:15",
            Running().Describe());
    }

    [Fact]
    public void Describe_CompletedJob_HasNoEta()
    {
        Assert.EndsWith("pending 0, 4.0 img/s", Completed().Describe(), StringComparison.Ordinal);
        Assert.Equal(1, Completed().Fraction);
    }

    [Fact]
    public void Eta_BeforeTheFirstCommit_IsUnknown()
    {
        var progress = Running(committed: false);

        Assert.Null(progress.Eta);
        Assert.EndsWith("pending 60, -", progress.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Eta_WhileTheSourceIsListed_IsUnknownAndSoIsTheFraction()
    {
        var progress = Running(total: null);

        Assert.Null(progress.Eta);
        Assert.Null(progress.Fraction);
    }

    [Fact]
    public void Eta_DaysAway_ShowsDaysAndIsCapped()
    {
        Assert.Equal("1.00:00:00", Running(total: 345_640, embedded: 40).EtaText);
        Assert.Equal("99.00:00:00", Running(total: long.MaxValue / 2).EtaText);
    }
}
