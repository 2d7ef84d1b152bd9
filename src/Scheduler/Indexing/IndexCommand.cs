using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Indexing;

/// <summary>
/// <c>pipeline index MODEL [--rebuild]</c>: builds (or rebuilds) a model's HNSW index without blocking writers, with
/// progress; the explicit step after a backfill or in a cron run (<see cref="EmbeddingIndex"/>).
/// </summary>
internal static class IndexCommand
{
    public static Command Create(TextWriter output, Func<CancellationToken, Task<IHost>> startHost)
    {
        var model = new Argument<string>("model") { Description = "Model id (names the table embeddings_<model>)" };
        var rebuild = new Option<bool>("--rebuild")
        {
            Description = "Build a valid index again (REINDEX CONCURRENTLY: the old one serves queries until the new one replaces it)",
        };
        var command = new Command(
            "index",
            "Build the model's HNSW index (CREATE INDEX CONCURRENTLY: writes go on), or finish one a cancelled build left INVALID; "
            + "waits for a build another process runs. Settings: PIPELINE_Index__MaintenanceWorkMem, PIPELINE_Index__MaxParallelMaintenanceWorkers")
        {
            model, rebuild,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var id = result.GetValue(model)!;
            if (!ModelIdentity.IsValidId(id))
            {
                await output.WriteLineAsync($"model id '{id}' must match ^[a-z][a-z0-9_]{{0,39}}$").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var host = await startHost(cancellationToken).ConfigureAwait(false);
            var options = host.Services.GetRequiredService<IOptions<IndexOptions>>().Value;
            await output.WriteLineAsync(
                $"index {ModelIdentity.TableFor(id)}{EmbeddingIndex.Suffix}: maintenance_work_mem {options.MaintenanceWorkMem ?? "(server's)"}, "
                + $"max_parallel_maintenance_workers {options.MaxParallelMaintenanceWorkers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(server's)"}")
                .ConfigureAwait(false);
            var progress = new IndexProgressSteps(p => output.WriteLine("  " + p.Describe()));
            var outcome = await EmbeddingIndex.EnsureAsync(
                host.Services.GetRequiredService<PipelineDataSource>(), id, options, result.GetValue(rebuild), waitForLock: true, progress, cancellationToken)
                .ConfigureAwait(false);
            await output.WriteLineAsync(outcome switch
            {
                IndexBuildOutcome.UnknownModel => $"model {id} is not registered (a worker registers it when it starts)",
                IndexBuildOutcome.AlreadyValid => "index is valid: nothing to do (--rebuild builds it again)",
                IndexBuildOutcome.Rebuilt => "index rebuilt",
                _ => "index built",
            }).ConfigureAwait(false);
            return outcome == IndexBuildOutcome.UnknownModel ? ExitCodes.UnknownModel : ExitCodes.Ok;
        });
        return command;
    }
}
