namespace Pipeline.Scheduler.Enqueueing;

/// <summary>What one enqueue run did.</summary>
public sealed record EnqueueResult(Guid JobId, long Images, long Enqueued, long Skipped, int Batches, bool Completed);
