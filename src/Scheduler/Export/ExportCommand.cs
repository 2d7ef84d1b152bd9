using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Export;

/// <summary><c>pipeline export MODEL [--job ID] [--since TIME] --format parquet|npy --out PATH</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output, Func<CancellationToken, Task<IHost>> startHost)
    {
        ArgumentNullException.ThrowIfNull(startHost);
        var model = new Argument<string>("model") { Description = "Registered model id (its table embeddings_<model>)" };
        var job = new Option<Guid?>("--job") { Description = "Only the rows this job stored" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only rows stored at or after this time (ISO 8601, e.g. 2026-11-01T00:00:00Z)" };
        var format = new Option<ExportFormat>("--format") { Description = "parquet, or npy ([N,D] float32 plus PATH.uris.txt and PATH.meta.json)", Required = true };
        var outPath = new Option<string>("--out") { Description = "Output file", Required = true };
        var command = new Command("export", "Write a model's vectors with their URIs and provenance to Parquet or .npy, streaming")
        {
            model, job, since, format, outPath,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var errors = result.InvocationConfiguration.Error;
            var id = result.GetValue(model)!;
            if (!ModelIdentity.IsValidId(id))
            {
                await errors.WriteLineAsync($"'{id}' is not a model id").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var host = await startHost(cancellationToken).ConfigureAwait(false);
            var dataSource = host.Services.GetRequiredService<PipelineDataSource>();
            var identity = await ModelRegistry.FindAsync(dataSource, id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"no registered model '{id}'");
            var progress = Console.IsErrorRedirected ? null : new Progress<(long Done, long Total)>(p =>
                errors.Write(string.Create(CultureInfo.InvariantCulture, $"\rexported {p.Done:N0} / {p.Total:N0} rows")));
            var path = Path.GetFullPath(result.GetValue(outPath)!);
            var exported = await new Exporter(dataSource, TimeProvider.System).ExportAsync(
                identity, new ExportFilter(result.GetValue(job), result.GetValue(since)), result.GetValue(format), path, progress, cancellationToken)
                .ConfigureAwait(false);
            if (progress is not null)
            {
                await errors.WriteLineAsync().ConfigureAwait(false);
            }

            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"exported {exported.Rows:N0} rows × {exported.Dims} dims of model {id} to {string.Join(", ", exported.Files)}"
                + $" in {exported.Elapsed.TotalSeconds:0.0} s, peak RSS {exported.PeakRssBytes / (1024.0 * 1024):0} MiB"))
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
