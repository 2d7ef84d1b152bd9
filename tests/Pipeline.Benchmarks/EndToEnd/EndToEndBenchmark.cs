using System.Diagnostics;
using System.Text.RegularExpressions;
using Pipeline.Benchmarks.Processes;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// A real job: one worker process (started and ready first, as in a deployment) and <c>pipeline enqueue --folder</c>,
/// through RabbitMQ and Postgres. Timed by the job's own database timestamps.
/// </summary>
internal static partial class EndToEndBenchmark
{
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(2);

    public static async Task<EndToEndResult> RunAsync(BenchContext context, string folder, int images, CancellationToken cancellationToken)
    {
        var modelId = context.NewModelId("e2e");
        var environment = BenchContext.ChildEnvironment(modelId);
        environment["PIPELINE_Worker__InferenceBatchSize"] = context.Options.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in context.Options.WorkerSettings)
        {
            environment[key] = value;
        }

        try
        {
            await using var worker = ChildProcess.Start(context.WorkerDll, [], environment);
            await worker.WaitForOutputAsync("Worker ready", Startup, cancellationToken);
            var cpuBefore = worker.CpuTime;
            var machineBefore = CpuSnapshot.Take();

            await using var scheduler = ChildProcess.Start(context.SchedulerDll, ["enqueue", "--folder", folder], environment);
            if (await scheduler.WaitForExitAsync(cancellationToken) != 0)
            {
                throw new InvalidOperationException($"pipeline enqueue failed:\n{scheduler.Output}");
            }

            var jobId = Guid.Parse(JobLine().Match(scheduler.Output).Groups[1].Value);
            var job = await WaitForCompletionAsync(context, jobId, worker, cancellationToken);
            var cpu = worker.CpuTime - cpuBefore;
            var shares = CpuShares.Between(machineBefore, CpuSnapshot.Take(), cpu);
            var peak = worker.PeakResidentBytes;

            // The HNSW index is built once, when the model's first job completes: reported apart, it is not per image.
            var indexWatch = Stopwatch.StartNew();
            await worker.WaitForOutputAsync("HNSW index: Built", Startup, cancellationToken);
            var indexBuild = indexWatch.Elapsed;
            await worker.StopAsync(cancellationToken);
            if (Environment.GetEnvironmentVariable("PIPELINE_BENCH_WORKER_LOG") is { Length: > 0 } log)
            {
                await File.WriteAllTextAsync(log, worker.Output, cancellationToken);
            }

            if (job.Embedded + job.Failed != images)
            {
                throw new InvalidOperationException($"job {jobId} accounted for {job.Embedded + job.Failed} of {images} images");
            }

            return new EndToEndResult(new Throughput(job.Embedded + job.Failed, job.Elapsed!.Value), job.Failed, peak, cpu,
                indexBuild, shares, job.FirstCommit!.Value - job.Created, job.Enqueued!.Value - job.Created);
        }
        finally
        {
            await JobQueries.DropModelAsync(context, modelId, cancellationToken);
        }
    }

    private static async Task<JobTimes> WaitForCompletionAsync(BenchContext context, Guid jobId, ChildProcess worker, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (worker.HasExited)
            {
                throw new InvalidOperationException($"worker exited with {worker.ExitCode} during the job:\n{worker.Output}");
            }

            var job = await JobQueries.GetAsync(context.DataSource, jobId, cancellationToken);
            if (job is { State: "completed" })
            {
                return job;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    [GeneratedRegex("^job ([0-9a-f-]{36}):", RegexOptions.Multiline)]
    private static partial Regex JobLine();
}
