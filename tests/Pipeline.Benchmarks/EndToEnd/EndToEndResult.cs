using Pipeline.Benchmarks.Processes;

namespace Pipeline.Benchmarks.EndToEnd;

/// <param name="Job">Images embedded from the scheduler's first database write to the last batch's commit.</param>
/// <param name="WorkerCpu">The worker's own CPU time over the job (the rest went to the scheduler, RabbitMQ and Postgres).</param>
/// <param name="Cpu">Where the machine's cores went over the job.</param>
internal sealed record EndToEndResult(
    Throughput Job, long Failed, long WorkerPeakResidentBytes, TimeSpan WorkerCpu, TimeSpan IndexBuild, CpuShares Cpu, TimeSpan FirstCommit, TimeSpan Enqueue);
