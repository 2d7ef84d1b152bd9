namespace Pipeline.Common.Storage;

/// <summary>A job's accounting: images = embedded + failed + skipped (+ pending while it runs).</summary>
public sealed record JobStatus(
    Guid Id,
    string ModelId,
    string Source,
    string State,
    long? Total,
    long Embedded,
    long Failed,
    long Skipped,
    int? Batches,
    int BatchesDone,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FirstCommitAt,
    DateTimeOffset? LastCommitAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>Images that reached an end: embedded + failed + skipped.</summary>
    public long Done => Embedded + Failed + Skipped;

    /// <summary>Unknown (null) while the scheduler is still listing the source.</summary>
    public long? Pending => Total is { } total ? total - Done : null;

    /// <summary>Whether the job's state is <c>completed</c> (every image embedded, failed or skipped).</summary>
    public bool IsComplete => State == "completed";

    /// <summary>Images the workers processed per second, from job creation to the last commit.</summary>
    /// <param name="doneAtEnqueue">Images the scheduler settled itself (skipped or refused): not the workers' work.</param>
    public double? ImagesPerSecond(long doneAtEnqueue)
    {
        if (LastCommitAt is not { } last)
        {
            return null;
        }

        var seconds = (last - CreatedAt).TotalSeconds;
        return seconds > 0 ? (Done - doneAtEnqueue) / seconds : null;
    }
}
