using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Duplicates;

/// <summary><c>pipeline duplicates MODEL --max-distance D</c>: near-duplicate groups as CSV or JSON.</summary>
internal static class DuplicatesCommand
{
    public static Command Create(TextWriter output, Func<CancellationToken, Task<IHost>> startHost)
    {
        ArgumentNullException.ThrowIfNull(startHost);
        var model = new Argument<string>("model") { Description = "Registered model id (its table embeddings_<model>)" };
        var maxDistance = new Option<double>("--max-distance") { Description = "Largest cosine distance of a near-duplicate pair (0 to 2)", Required = true };
        var job = new Option<Guid?>("--job") { Description = "Only images of this job start a search (their duplicates may be older images)" };
        var neighbours = new Option<int>("--neighbours") { Description = "Nearest neighbours looked at per image", DefaultValueFactory = _ => 10 };
        var format = new Option<string>("--format") { Description = "csv (group,size,id,uri) or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var outPath = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("duplicates", "Group near-duplicate images: each image's nearest neighbours within a distance, joined transitively")
        {
            model, maxDistance, job, neighbours, format, outPath,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var errors = result.InvocationConfiguration.Error;
            var distance = result.GetValue(maxDistance);
            var id = result.GetValue(model)!;
            if (distance is < 0 or > 2 || result.GetValue(neighbours) < 1 || !ModelIdentity.IsValidId(id))
            {
                await errors.WriteLineAsync("--max-distance is a cosine distance (0 to 2), --neighbours at least 1, and MODEL a model id").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var host = await startHost(cancellationToken).ConfigureAwait(false);
            var identity = await ModelRegistry.FindAsync(host.Services.GetRequiredService<PipelineDataSource>(), id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"no registered model '{id}'");
            var progress = Console.IsErrorRedirected ? null : new Progress<(long Done, long Total)>(p =>
                errors.Write(string.Create(CultureInfo.InvariantCulture, $"\rsearched {p.Done:N0} / {p.Total:N0} images")));
            var report = await new DuplicateFinder(host.Services.GetRequiredService<PipelineDataSource>())
                .FindAsync(identity, new DuplicateQuery(distance, result.GetValue(job), result.GetValue(neighbours)), progress, cancellationToken)
                .ConfigureAwait(false);
            if (progress is not null)
            {
                await errors.WriteLineAsync().ConfigureAwait(false);
            }

            await WriteAsync(report, result.GetValue(format)!, result.GetValue(outPath), output, cancellationToken).ConfigureAwait(false);
            await errors.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{report.RowsSearched:N0} images searched, {report.Pairs:N0} pairs within {distance}, "
                + $"{report.Groups.Count:N0} groups ({report.Groups.Sum(g => g.Members.Count):N0} images) in {report.Elapsed.TotalSeconds:0.0} s"))
                .ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WriteAsync(DuplicateReport report, string format, string? path, TextWriter output, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            if (format == "json")
            {
                using var buffer = new MemoryStream();
                await DuplicateWriter.WriteJsonAsync(report, buffer, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
            }
            else
            {
                await DuplicateWriter.WriteCsvAsync(report, output, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            if (format == "json")
            {
                await DuplicateWriter.WriteJsonAsync(report, file, cancellationToken).ConfigureAwait(false);
                return;
            }

            var writer = new StreamWriter(file);
            await using (writer.ConfigureAwait(false))
            {
                await DuplicateWriter.WriteCsvAsync(report, writer, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
