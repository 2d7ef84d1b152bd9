namespace Pipeline.Common.Storage;

/// <summary>
/// The scheduler's lease on a job while it enqueues: it renews <c>jobs.heartbeat_at</c> at least every
/// <see cref="Renewal"/>; a job still <c>enqueuing</c> whose heartbeat is older than <see cref="Expiry"/> was
/// abandoned (the scheduler died or was killed) and <c>status</c> shows it as <see cref="Abandoned"/>.
/// </summary>
public static class JobLease
{
    /// <summary>The state shown for an abandoned job; the next enqueue of the same source and model records it.</summary>
    public const string Abandoned = "abandoned";

    /// <summary>How often a scheduler renews <c>jobs.heartbeat_at</c> while it enqueues.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(10);

    /// <summary>A job enqueuing without a heartbeat for this long is abandoned.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(60);
}
