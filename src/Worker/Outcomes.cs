using Pipeline.Common;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.Worker;

/// <summary>Records an image's outcome and hands a finished message to the write stage.</summary>
internal static class Outcomes
{
    public static async ValueTask CompleteAsync(StageChannels channels, WorkItem item, ItemOutcome outcome, CancellationToken cancellationToken)
    {
        if (item.Message.Complete(item.Index, outcome))
        {
            await channels.Completed.Writer.WriteAsync(item.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An exception nobody classified, as the image's failure with its type and message.</summary>
    public static ImageFailureException Unexpected(string activity, Exception exception) =>
        new(FailureReason.Unexpected, $"unexpected {exception.GetType().Name} while {activity}: {exception.Message}", exception);

    public static ValueTask FailAsync(
        StageChannels channels, ILogger logger, WorkItem item, ImageFailureException failure, CancellationToken cancellationToken)
    {
        Log.ImageFailed(logger, failure.Reason, item.Message.Message.JobId, ImageUri.Redact(item.Image.Uri), failure.Message);
        var outcome = new ItemOutcome(null, new FailedImage(item.Image.Uri, failure.Reason, failure.Message));
        return CompleteAsync(channels, item, outcome, cancellationToken);
    }
}
