using Microsoft.Extensions.Time.Testing;
using Pipeline.Scheduler.Status;

namespace Pipeline.UnitTests.Scheduler;

/// <summary>What <c>--follow</c> writes: one redrawn line on a terminal, plain lines in a log.</summary>
public sealed class ProgressDisplayTests
{
    [Fact]
    public async Task TerminalUpdate_RunningJob_RedrawsOneLineWithBarRateAndEta()
    {
        using var output = new StringWriter();
        var display = new TerminalProgressDisplay(output, 120);

        await display.UpdateAsync(JobProgressTests.Running(embedded: 20), CancellationToken.None);
        await display.UpdateAsync(JobProgressTests.Running(), CancellationToken.None);

        var text = output.ToString();
        Assert.DoesNotContain('\n', text);
        Assert.EndsWith("\r[##########..............]  40%  40/100 images  failed 0  skipped 0  4.0 img/s  ETA 00:00:15", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminalUpdate_NarrowTerminal_NeverReachesTheLastColumn()
    {
        using var output = new StringWriter();
        var display = new TerminalProgressDisplay(output, 30);

        await display.UpdateAsync(JobProgressTests.Running(), CancellationToken.None);

        Assert.All(output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries), line => Assert.True(line.Length < 30, line));
    }

    [Fact]
    public async Task TerminalFinish_CompletedJob_ClearsTheBarAndLeavesTheSummaryLine()
    {
        using var output = new StringWriter();
        var display = new TerminalProgressDisplay(output, 120);

        await display.UpdateAsync(JobProgressTests.Running(), CancellationToken.None);
        await display.FinishAsync(JobProgressTests.Completed(), CancellationToken.None);

        var text = output.ToString();
        var lastRedraw = text[text.LastIndexOf('\r')..];
        Assert.Equal("\r" + JobProgressTests.Completed().Describe() + Environment.NewLine, lastRedraw);
        Assert.Contains("\r" + new string(' ', TerminalProgressDisplay.Render(JobProgressTests.Running()).Length), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainUpdate_ChangesWithinTheInterval_WritesOneLinePerInterval()
    {
        using var output = new StringWriter();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var display = new PlainProgressDisplay(output, time, TimeSpan.FromSeconds(10));

        await display.UpdateAsync(JobProgressTests.Running(embedded: 10), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        await display.UpdateAsync(JobProgressTests.Running(embedded: 20), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        await display.UpdateAsync(JobProgressTests.Running(embedded: 30), CancellationToken.None);
        await display.FinishAsync(JobProgressTests.Completed(), CancellationToken.None);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("done 10,", lines[0], StringComparison.Ordinal);
        Assert.Contains("done 30,", lines[1], StringComparison.Ordinal);
        Assert.Contains("[completed]", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public async Task PlainUpdate_NothingChanged_WritesNothingMore()
    {
        using var output = new StringWriter();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var display = new PlainProgressDisplay(output, time, TimeSpan.Zero);

        await display.UpdateAsync(JobProgressTests.Running(), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        await display.UpdateAsync(JobProgressTests.Running(), CancellationToken.None);

        Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
