using Pipeline.Common;

namespace Pipeline.Worker;

/// <summary>Source-generated log messages of the worker. URIs are logged without query strings (SAS tokens).</summary>
internal static partial class Log
{
    [LoggerMessage(EventIds.WorkerHost.Ready, LogLevel.Information,
        "Worker ready: model {ModelId} ({Dims} dims, sha256 {Sha256}), queue {Queue}, batch {BatchSize}, prefetch {Prefetch}, GC gen0 budget {Gen0Budget}")]
    public static partial void Ready(ILogger logger, string modelId, int dims, string sha256, string queue, int batchSize, int prefetch, string gen0Budget);

    [LoggerMessage(EventIds.Inference.HeadRemoved, LogLevel.Information, "Head removed: {Cut}")]
    public static partial void HeadRemoved(ILogger logger, string cut);

    [LoggerMessage(EventIds.WorkerHost.ImageFailed, LogLevel.Warning, "Image failed ({Reason}) in job {JobId}: {Uri}: {Message}")]
    public static partial void ImageFailed(ILogger logger, FailureReason reason, Guid jobId, string uri, string message);

    [LoggerMessage(EventIds.Messaging.MessageReturned, LogLevel.Error, "Message {JobId}/{BatchNo} could not be finished: {Message}")]
    public static partial void MessageReturned(ILogger logger, Exception exception, Guid jobId, int batchNo, string message);

    [LoggerMessage(EventIds.Messaging.PoisonMessage, LogLevel.Error, "Unreadable message dropped (delivery {DeliveryTag})")]
    public static partial void PoisonMessage(ILogger logger, Exception exception, ulong deliveryTag);

    [LoggerMessage(EventIds.Storage.Committed, LogLevel.Debug, "Committed {Messages} messages ({Rows} vectors)")]
    public static partial void Committed(ILogger logger, int messages, int rows);

    [LoggerMessage(EventIds.Storage.JobCompleted, LogLevel.Information, "Job {JobId} completed")]
    public static partial void JobCompleted(ILogger logger, Guid jobId);

    [LoggerMessage(EventIds.Storage.DatabaseRetry, LogLevel.Warning, "Database unavailable, retrying in {Delay} (attempt {Attempt})")]
    public static partial void DatabaseRetry(ILogger logger, Exception exception, TimeSpan delay, int attempt);

    [LoggerMessage(EventIds.WorkerHost.Draining, LogLevel.Information, "Stopping: draining in-flight messages (deadline {Deadline})")]
    public static partial void Draining(ILogger logger, TimeSpan deadline);

    [LoggerMessage(EventIds.WorkerHost.DrainTimedOut, LogLevel.Warning, "Drain deadline passed; unfinished messages go back to the queue")]
    public static partial void DrainTimedOut(ILogger logger);

    [LoggerMessage(EventIds.WorkerHost.Stopped, LogLevel.Information, "Stopped cleanly")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventIds.Storage.IndexFailed, LogLevel.Error,
        "Building the HNSW index failed; it is retried when the next job completes, when a worker starts, or by `pipeline index`")]
    public static partial void IndexFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventIds.Messaging.MessageDeferred, LogLevel.Warning, "Message {JobId}/{BatchNo} sent to {Queue} (attempt {Attempt})")]
    public static partial void MessageDeferred(ILogger logger, Guid jobId, int batchNo, string queue, int attempt);

    [LoggerMessage(EventIds.Inference.GpuUnavailable, LogLevel.Warning, "{Reason}; running on the CPU (Inference:CpuFallback)")]
    public static partial void GpuUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventIds.Inference.GpuUnavailableFatal, LogLevel.Critical, "{Reason}")]
    public static partial void GpuUnavailableFatal(ILogger logger, string reason);

    [LoggerMessage(EventIds.Inference.InferenceProvider, LogLevel.Information, "Inference runs on {Provider}")]
    public static partial void InferenceProvider(ILogger logger, string provider);

    [LoggerMessage(EventIds.Messaging.DeadLetterSettled, LogLevel.Warning,
        "Dead letter {JobId}/{BatchNo} settled: {Images} images recorded as DeadLettered failures ({Reason})")]
    public static partial void DeadLetterSettled(ILogger logger, Guid jobId, int batchNo, int images, string reason);

    [LoggerMessage(EventIds.Messaging.DeadLetterDeferred, LogLevel.Error,
        "A dead letter could not be settled yet ({Reason}); it stays in the dead-letter queue")]
    public static partial void DeadLetterDeferred(ILogger logger, Exception exception, string reason);

    [LoggerMessage(EventIds.Storage.IndexEnsured, LogLevel.Information, "HNSW index: {Outcome} in {Elapsed}")]
    public static partial void IndexEnsured(ILogger logger, Pipeline.Common.Storage.IndexBuildOutcome outcome, TimeSpan elapsed);

    [LoggerMessage(EventIds.Storage.IndexProgress, LogLevel.Information, "HNSW index build: {Progress}")]
    public static partial void IndexProgress(ILogger logger, string progress);

    [LoggerMessage(EventIds.Storage.IndexCancelled, LogLevel.Warning,
        "HNSW index build cancelled by the shutdown; the next worker or `pipeline index` rebuilds it")]
    public static partial void IndexCancelled(ILogger logger);
}
