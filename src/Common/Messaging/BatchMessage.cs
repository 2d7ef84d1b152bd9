using Pipeline.Common.Sources;

namespace Pipeline.Common.Messaging;

/// <summary>One unit of work on the queue: N image URIs of one job, embedded with one model.</summary>
/// <param name="BatchNo">Sequence number within the job; (JobId, BatchNo) makes the commit idempotent.</param>
/// <param name="Force">Re-embed even when the stored content identity is unchanged.</param>
public sealed record BatchMessage(Guid JobId, int BatchNo, string ModelId, bool Force, IReadOnlyList<ImageRef> Items);
