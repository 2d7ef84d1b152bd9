using System.Diagnostics;
using Pipeline.Common;
using Pipeline.Common.Storage;
using Prometheus;

namespace Pipeline.Worker.Observability;

/// <summary>
/// The worker's Prometheus metrics on a registry of its own (exact counts, nothing process-global but
/// the standard process metrics). Images per second is PromQL: <c>rate(pipeline_worker_images_total[1m])</c>.
/// </summary>
internal sealed class WorkerMetrics
{
    private readonly Counter.Child _embedded;
    private readonly Counter.Child _failed;
    private readonly Counter.Child _skipped;
    private readonly Counter _failures;
    private readonly Counter.Child _retried;
    private readonly Counter.Child _deadLettered;
    private readonly Histogram.Child[] _stages;
    private readonly Histogram _batchFill;
    private readonly Gauge _inFlight;

    public WorkerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);

        var images = factory.CreateCounter(
            "pipeline_worker_images_total", "Images whose outcome is committed, by outcome (embedded, failed, skipped).", ["outcome"]);
        _embedded = images.WithLabels("embedded");
        _failed = images.WithLabels("failed");
        _skipped = images.WithLabels("skipped");

        _failures = factory.CreateCounter("pipeline_worker_image_failures_total", "Images that failed for good, by reason.", ["reason"]);
        foreach (var reason in Enum.GetNames<FailureReason>())
        {
            // Zero from the start, so rate() and alerts see every reason before it first happens.
            _failures.WithLabels(reason);
        }

        var retries = factory.CreateCounter(
            "pipeline_worker_message_retries_total", "Messages that met a transient error, by where they went (retry queue or dead-letter queue).", ["destination"]);
        _retried = retries.WithLabels("retry");
        _deadLettered = retries.WithLabels("dead");

        // 0.5 ms to about 33 s: one cached file read up to a slow remote fetch or a large CPU batch.
        var stages = factory.CreateHistogram(
            "pipeline_worker_stage_duration_seconds",
            "Latency per stage: fetch and decode per image, inference per batch, write per commit.",
            ["stage"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 17) });
        _stages = [.. Enum.GetValues<WorkerStage>().Select(s => stages.WithLabels(s.ToString().ToLowerInvariant()))];

        _batchFill = factory.CreateHistogram(
            "pipeline_worker_batch_fill_ratio",
            "Images per inference batch divided by the configured batch size.",
            new HistogramConfiguration { Buckets = [.. Enumerable.Range(1, 10).Select(i => i / 10.0)] });

        _inFlight = factory.CreateGauge("pipeline_worker_messages_in_flight", "Messages delivered to this worker and not yet settled.");
    }

    public CollectorRegistry Registry { get; }

    public async ValueTask<T> TimeAsync<T>(WorkerStage stage, Func<ValueTask<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            Observe(stage, started);
        }
    }

    public Task<T> TimeAsync<T>(WorkerStage stage, Func<Task<T>> action) =>
        TimeAsync(stage, () => new ValueTask<T>(action())).AsTask();

    public void Time(WorkerStage stage, Action action)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            action();
        }
        finally
        {
            Observe(stage, started);
        }
    }

    /// <summary>Records a stage's duration measured elsewhere (e.g. an inference run on another thread).</summary>
    public void Observe(WorkerStage stage, TimeSpan elapsed) => _stages[(int)stage].Observe(elapsed.TotalSeconds);

    public void BatchFilled(int size, int capacity) => _batchFill.Observe((double)size / capacity);

    public void Committed(IEnumerable<BatchOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _embedded.Inc(outcome.Embedded.Count);
            _skipped.Inc(outcome.Skipped);
            _failed.Inc(outcome.Failed.Count);
            foreach (var failure in outcome.Failed)
            {
                _failures.WithLabels(failure.Reason.ToString()).Inc();
            }
        }
    }

    public void MessageAccepted() => _inFlight.Inc();

    public void MessageSettled() => _inFlight.Dec();

    public void MessageDeferred(bool deadLettered) => (deadLettered ? _deadLettered : _retried).Inc();

    private void Observe(WorkerStage stage, long started) =>
        _stages[(int)stage].Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
}
