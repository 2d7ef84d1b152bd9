using Pipeline.Benchmarks;

// Throughput of each stage alone and of a real job, on this machine, in one run (README "Performance").
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await BenchmarkRun.RunAsync(options, cancellation.Token);
