namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>A job as the database saw it: created by the scheduler, completed by the commit of its last batch.</summary>
internal sealed record JobTimes(
    string State, long Total, long Embedded, long Failed, DateTimeOffset Created, DateTimeOffset? Enqueued, DateTimeOffset? Completed, DateTimeOffset? FirstCommit)
{
    public TimeSpan? Elapsed => Completed - Created;
}
