namespace Pipeline.Benchmarks.Enqueueing;

/// <param name="Job">URIs from the job row's creation to its 'running' mark (all publishes confirmed).</param>
/// <param name="Process">URIs over the whole <c>pipeline</c> run, .NET start-up included.</param>
internal sealed record EnqueueResult(Throughput Job, Throughput Process, long PeakResidentBytes, int Messages);
