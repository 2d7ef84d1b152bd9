namespace Pipeline.Scheduler.Recovery;

/// <summary>What a retry queued: failed images and the batch messages carrying them.</summary>
internal sealed record RetryOutcome(int Images, int Messages);
