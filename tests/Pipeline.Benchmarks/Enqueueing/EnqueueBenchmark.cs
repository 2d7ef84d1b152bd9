using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Benchmarks.EndToEnd;
using Pipeline.Benchmarks.Processes;

namespace Pipeline.Benchmarks.Enqueueing;

/// <summary>
/// <c>pipeline enqueue --manifest</c> on a plain-text manifest of https URIs: streamed, policy-checked and published with
/// confirms to a real RabbitMQ quorum queue. No worker consumes; the queue is deleted afterwards.
/// </summary>
internal static partial class EnqueueBenchmark
{
    public static async Task<EnqueueResult> RunAsync(BenchContext context, int uris, CancellationToken cancellationToken)
    {
        var manifest = EnsureManifest(context.Options.WorkDirectory, uris);
        var modelId = context.NewModelId("enqueue");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await using var scheduler = ChildProcess.Start(context.SchedulerDll, ["enqueue", "--manifest", manifest], BenchContext.ChildEnvironment(modelId));
            if (await scheduler.WaitForExitAsync(cancellationToken) != 0)
            {
                throw new InvalidOperationException($"pipeline enqueue failed:\n{scheduler.Output}");
            }

            var wall = stopwatch.Elapsed;
            var match = JobLine().Match(scheduler.Output);
            var job = await JobQueries.GetAsync(context.DataSource, Guid.Parse(match.Groups[1].Value), cancellationToken)
                ?? throw new InvalidOperationException("the enqueue job is not in the database");
            if (job.Total != uris)
            {
                throw new InvalidOperationException($"enqueued {job.Total} of {uris} URIs:\n{scheduler.Output}");
            }

            return new EnqueueResult(
                new Throughput(uris, job.Enqueued!.Value - job.Created),
                new Throughput(uris, wall),
                scheduler.PeakResidentBytes,
                int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            await JobQueries.DropModelAsync(context, modelId, cancellationToken);
        }
    }

    private static string EnsureManifest(string workDirectory, int uris)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, string.Create(CultureInfo.InvariantCulture, $"manifest-{uris}.txt"));
        if (!File.Exists(path))
        {
            var partial = path + ".partial";
            using (var writer = new StreamWriter(partial))
            {
                for (var i = 0; i < uris; i++)
                {
                    // Spread over folders like a real bucket listing; the host is a reserved example domain.
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"https://images.example.com/dataset/{i / 1000:D4}/img-{i:D8}.jpg"));
                }
            }

            File.Move(partial, path);
        }

        return path;
    }

    [GeneratedRegex("^job ([0-9a-f-]{36}): .* queued in ([0-9]+) messages", RegexOptions.Multiline)]
    private static partial Regex JobLine();
}
