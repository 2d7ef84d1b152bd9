namespace Pipeline.Scheduler.Status;

/// <summary>
/// For logs (CI, cron, pipes): a full line when the counts change, at most one per interval, so a long
/// job writes a readable log instead of a line a second.
/// </summary>
internal sealed class PlainProgressDisplay(TextWriter output, TimeProvider time, TimeSpan interval) : IProgressDisplay
{
    private string? _lastLine;
    private DateTimeOffset _lastWritten = DateTimeOffset.MinValue;

    public async Task UpdateAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        var line = progress.Describe();
        var now = time.GetUtcNow();
        if (line != _lastLine && now - _lastWritten >= interval)
        {
            await WriteAsync(line, now, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task FinishAsync(JobProgress progress, CancellationToken cancellationToken)
    {
        var line = progress.Describe();
        if (line != _lastLine)
        {
            await WriteAsync(line, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(string line, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _lastLine = line;
        _lastWritten = now;
    }
}
