using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Common.Inference;
using Pipeline.Common.Sources;
using Pipeline.Scheduler.Enqueueing;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Indexing;
using Pipeline.Scheduler.Models;
using Pipeline.Scheduler.Recovery;
using Pipeline.Scheduler.Search;
using Pipeline.Scheduler.Status;

namespace Pipeline.Scheduler.Cli;

/// <summary>The <c>pipeline</c> command line: enqueue, status, search, retry, dead-letters, models, index, serve, export, duplicates.</summary>
internal static class SchedulerCli
{
    public static RootCommand Build(TextWriter output)
    {
        var root = new RootCommand(
            "Batch image-embedding pipeline: enqueue images for the workers, follow jobs, search neighbours.\n" +
            "Examples:\n" +
            "  pipeline enqueue --folder ./photos --wait\n" +
            "  pipeline enqueue --manifest uris.csv --batch-size 64\n" +
            "  pipeline enqueue --container photos --prefix 2026/ --force\n" +
            "  pipeline status 0193… --wait\n" +
            "  pipeline search ./query.jpg --top 5\n" +
            "  pipeline retry 0193… --reason DeadLettered\n" +
            "  pipeline dead-letters list\n" +
            "  pipeline models\n" +
            "  pipeline models inspect ./resnet50.onnx\n" +
            "  pipeline index mobilenetv2\n" +
            "  pipeline serve --port 8080\n" +
            "  pipeline export mobilenetv2 --format parquet --out vectors.parquet\n" +
            "  pipeline duplicates mobilenetv2 --max-distance 0.1");
        root.Subcommands.Add(EnqueueCommand(output));
        root.Subcommands.Add(StatusCommand(output));
        root.Subcommands.Add(SearchCommand(output));
        root.Subcommands.Add(RecoveryCommands.Retry(output, StartHostAsync));
        root.Subcommands.Add(RecoveryCommands.DeadLetters(output, StartHostAsync));
        root.Subcommands.Add(ModelsCommand.Create(output));
        root.Subcommands.Add(IndexCommand.Create(output, StartHostAsync));
        root.Subcommands.Add(Serving.ServeCommand.Create(output));
        root.Subcommands.Add(Export.ExportCommand.Create(output, StartHostAsync));
        root.Subcommands.Add(Duplicates.DuplicatesCommand.Create(output, StartHostAsync));
        GuardedAction.Apply(root);
        CommandExamples.Apply(root);
        return root;
    }

    private static Command EnqueueCommand(TextWriter output)
    {
        var folder = new Option<string?>("--folder") { Description = "Local folder, scanned recursively for images" };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest: one URI per line, or CSV / JSON Lines with a 'uri' column" };
        var container = new Option<string?>("--container") { Description = "Azure Blob container to list" };
        var prefix = new Option<string?>("--prefix") { Description = "Blob name prefix (with --container)" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Image URIs per queue message" };
        var force = new Option<bool>("--force") { Description = "Re-embed images whose content is already stored" };
        var wait = new Option<bool>("--wait", "--follow") { Description = "Follow the job until complete; non-zero exit if any image failed" };
        var timeout = TimeoutOption();
        var modelId = new Option<string?>("--model") { Description = "Model id whose workers embed the images (its queue and table); default Model:Id" };
        var command = new Command("enqueue", "Create a job and queue its images (incremental unless --force)")
        {
            folder, manifest, container, prefix, batchSize, force, wait, timeout, modelId,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await StartHostAsync(cancellationToken).ConfigureAwait(false);
            var sources = host.Services.GetRequiredService<SourceFactory>();
            var chosen = new[] { result.GetValue(folder), result.GetValue(manifest), result.GetValue(container) }.Count(v => v is not null);
            if (chosen != 1)
            {
                await output.WriteLineAsync("enqueue needs exactly one of --folder, --manifest or --container").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var source = sources.Create(result.GetValue(folder), result.GetValue(manifest), result.GetValue(container), result.GetValue(prefix));
            var model = result.GetValue(modelId) ?? host.Services.GetRequiredService<IOptions<ModelOptions>>().Value.Id;
            if (!ModelOptions.IsValidId(model))
            {
                await output.WriteLineAsync($"--model '{model}' is not a model id (lower-case letters, digits and '_', 40 at most, a letter first)").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var size = result.GetValue(batchSize) ?? host.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value.BatchSize;
            var enqueued = await host.Services.GetRequiredService<Enqueuer>()
                .RunAsync(source, model, result.GetValue(force), size, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"job {enqueued.JobId}: {enqueued.Images} images, {enqueued.Enqueued} queued in {enqueued.Batches} messages, "
                + $"{enqueued.Skipped} already embedded{RefusedNote(enqueued.Refused)}")).ConfigureAwait(false);
            return result.GetValue(wait)
                ? await host.Services.GetRequiredService<JobFollower>()
                    .ShowAsync(enqueued.JobId, wait: true, output, cancellationToken, result.GetValue(timeout)).ConfigureAwait(false)
                : ExitCodes.Ok;
        });
        return command;
    }

    private static Command StatusCommand(TextWriter output)
    {
        var job = new Argument<Guid>("job") { Description = "Job id printed by enqueue" };
        var wait = new Option<bool>("--wait", "--follow") { Description = "Follow the job until complete; non-zero exit if any image failed" };
        var timeout = TimeoutOption();
        var command = new Command("status", "Show a job's done / failed / skipped / pending counts and rate") { job, wait, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await StartHostAsync(cancellationToken).ConfigureAwait(false);
            return await host.Services.GetRequiredService<JobFollower>()
                .ShowAsync(result.GetValue(job), result.GetValue(wait), output, cancellationToken, result.GetValue(timeout)).ConfigureAwait(false);
        });
        return command;
    }

    private static Option<TimeSpan?> TimeoutOption() => new("--timeout")
    {
        Description = "With --wait: give up after this long (e.g. 00:30:00) and exit 10; the job goes on",
    };

    private static Command SearchCommand(TextWriter output)
    {
        var image = new Argument<string>("image") { Description = "Query image: path or URI" };
        var top = new Option<int>("--top") { Description = "How many neighbours", DefaultValueFactory = _ => 5 };
        var command = new Command("search", "Embed a query image with the indexed model and print its nearest neighbours") { image, top };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await StartHostAsync(cancellationToken).ConfigureAwait(false);
            var neighbours = await host.Services.GetRequiredService<Searcher>()
                .SearchAsync(AbsoluteIfLocal(result.GetValue(image)!), result.GetValue(top), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync("rank  distance  uri").ConfigureAwait(false);
            for (var i = 0; i < neighbours.Count; i++)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture, $"{i + 1,4}  {neighbours[i].Distance,8:0.0000}  {ImageUri.Redact(neighbours[i].Uri)}")).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string RefusedNote(long refused) =>
        refused == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", {refused} refused (recorded as failures)");

    // The query path is the operator's own argument: '../q.jpg' is meant, not a traversal to refuse.
    private static string AbsoluteIfLocal(string image) =>
        image.Contains(':', StringComparison.Ordinal) ? image : Path.GetFullPath(image);

    /// <summary>Starting the host runs the options validation (ValidateOnStart) before any work.</summary>
    internal static async Task<IHost> StartHostAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A failed start is reported as one line with its exit code (GuardedAction), not as the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.AddScheduler();
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return host;
    }
}
