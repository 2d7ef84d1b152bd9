using Pipeline.Common.Storage;

namespace Pipeline.Worker;

/// <summary>What happened to one image of a message: exactly one of embedded, failed or skipped.</summary>
internal readonly record struct ItemOutcome(EmbeddedImage? Embedded, FailedImage? Failed)
{
    public static ItemOutcome Skipped => default;
}
