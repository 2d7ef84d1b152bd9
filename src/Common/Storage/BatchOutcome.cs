namespace Pipeline.Common.Storage;

/// <summary>Everything a processed message produced; committed in one transaction, then acked.</summary>
public sealed record BatchOutcome(
    Guid JobId,
    int BatchNo,
    IReadOnlyList<EmbeddedImage> Embedded,
    int Skipped,
    IReadOnlyList<FailedImage> Failed);
