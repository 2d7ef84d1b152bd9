namespace Pipeline.Common;

/// <summary>
/// The event ids of every <c>[LoggerMessage]</c> of the programs, one table with a range of 1,000 per area (as Npgsql's
/// <c>NpgsqlEventId</c>), so an id names one message across the worker, the scheduler and the server: operators grep
/// and alert on them (README "Metrics, health and logs"). A constant is named after its log method; a new message takes
/// the next free id of its area. <c>EventIdTests</c> fails on a duplicate, on an id outside its area's range and on a
/// <c>[LoggerMessage]</c> whose id is not in this table.
/// </summary>
public static class EventIds
{
    /// <summary>1000–1999: listing and fetching images (files, http, Azure Blob).</summary>
    public static class Sources
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 1000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 1999;

        /// <summary>Debug: an http fetch is retried after a transient error.</summary>
        public const int RetryingHttpFetch = 1001;

        /// <summary>Warning: a folder listing skipped names that are not UTF-8.</summary>
        public const int NonUtf8NamesSkipped = 1002;
    }

    /// <summary>2000–2999: decoding and preprocessing (none logged yet: a bad image is a recorded failure, see 6002).</summary>
    public static class Decoding
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 2000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 2999;
    }

    /// <summary>3000–3999: the model: files, head removal, ONNX Runtime execution providers.</summary>
    public static class Inference
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 3000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 3999;

        /// <summary>Information: a model URL was found in the cache.</summary>
        public const int CacheHit = 3001;

        /// <summary>Information: a model download starts.</summary>
        public const int Downloading = 3002;

        /// <summary>Information: a model download finished (bytes, sha256).</summary>
        public const int Downloaded = 3003;

        /// <summary>Warning: a cached model's sha256 is wrong; it is downloaded again.</summary>
        public const int CacheCorrupt = 3004;

        /// <summary>Information: the classifier head the worker cut.</summary>
        public const int HeadRemoved = 3005;

        /// <summary>Information: the execution provider inference runs on.</summary>
        public const int InferenceProvider = 3006;

        /// <summary>Warning: the GPU provider could not load; running on the CPU (<c>Inference:CpuFallback</c>).</summary>
        public const int GpuUnavailable = 3007;

        /// <summary>Critical: the GPU provider could not load and no fallback is allowed; the worker exits.</summary>
        public const int GpuUnavailableFatal = 3008;
    }

    /// <summary>4000–4999: Postgres: commits, jobs, the HNSW index.</summary>
    public static class Storage
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 4000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 4999;

        /// <summary>Debug: a write transaction committed.</summary>
        public const int Committed = 4001;

        /// <summary>Information: a job has every image accounted for.</summary>
        public const int JobCompleted = 4002;

        /// <summary>Warning: the database is unreachable; retried with back-off within <c>Postgres:OutageTolerance</c>.</summary>
        public const int DatabaseRetry = 4003;

        /// <summary>Information: the HNSW index was found valid or built (outcome, time).</summary>
        public const int IndexEnsured = 4004;

        /// <summary>Information: an HNSW index build's progress.</summary>
        public const int IndexProgress = 4005;

        /// <summary>Warning: an HNSW index build was cancelled by the shutdown.</summary>
        public const int IndexCancelled = 4006;

        /// <summary>Error: an HNSW index build failed.</summary>
        public const int IndexFailed = 4007;
    }

    /// <summary>5000–5999: RabbitMQ: queues, retries, dead letters.</summary>
    public static class Messaging
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 5000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 5999;

        /// <summary>Warning: a queue declared by an earlier version is used with its old arguments.</summary>
        public const int QueueKeptWithOtherArguments = 5001;

        /// <summary>Error: a message could not be finished and goes back to the queue.</summary>
        public const int MessageReturned = 5002;

        /// <summary>Error: an unreadable message was dropped.</summary>
        public const int PoisonMessage = 5003;

        /// <summary>Warning: a message went to a retry queue or the dead-letter queue.</summary>
        public const int MessageDeferred = 5004;

        /// <summary>Warning: a dead letter was settled: its images recorded as <c>DeadLettered</c> failures.</summary>
        public const int DeadLetterSettled = 5005;

        /// <summary>Error: a dead letter could not be settled yet; it stays in the dead-letter queue.</summary>
        public const int DeadLetterDeferred = 5006;
    }

    /// <summary>6000–6999: the worker's host: start, per-image outcomes, drain, stop.</summary>
    public static class WorkerHost
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 6000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 6999;

        /// <summary>Information: the worker consumes (model, queue, batch, prefetch).</summary>
        public const int Ready = 6001;

        /// <summary>Warning: one image failed (reason, job, redacted URI); recorded in <c>failures</c>.</summary>
        public const int ImageFailed = 6002;

        /// <summary>Information: SIGTERM: draining in-flight messages.</summary>
        public const int Draining = 6003;

        /// <summary>Warning: the drain deadline passed; unfinished messages go back to the queue.</summary>
        public const int DrainTimedOut = 6004;

        /// <summary>Information: the worker stopped cleanly.</summary>
        public const int Stopped = 6005;
    }

    /// <summary>7000–7999: metrics and health listeners.</summary>
    public static class Observability
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 7000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 7999;

        /// <summary>Information: the metrics and health listener is up.</summary>
        public const int Listening = 7001;
    }

    /// <summary>8000–8999: the <c>pipeline</c> command (none logged yet: it reports on the console).</summary>
    public static class Scheduler
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 8000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 8999;
    }

    /// <summary>9000–9999: <c>pipeline serve</c> (none logged yet).</summary>
    public static class Serving
    {
        /// <summary>The area\'s first id.</summary>
        public const int First = 9000;
        /// <summary>The area\'s last id.</summary>
        public const int Last = 9999;
    }
}
