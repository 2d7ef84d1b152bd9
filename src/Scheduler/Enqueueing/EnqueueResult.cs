namespace Pipeline.Scheduler.Enqueueing;

/// <summary>What one enqueue run did: Images = Enqueued + Skipped + Refused.</summary>
/// <param name="Refused">Recorded as failures by the scheduler (URI policy, unparsable URI), never queued.</param>
internal sealed record EnqueueResult(Guid JobId, long Images, long Enqueued, long Skipped, int Batches, bool Completed, long Refused);
