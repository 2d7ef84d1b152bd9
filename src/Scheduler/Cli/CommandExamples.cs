using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Pipeline.Scheduler.Cli;

/// <summary>An "Examples:" section at the end of every command's <c>--help</c>.</summary>
internal sealed class CommandExamples(HelpAction help) : SynchronousCommandLineAction
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["enqueue"] =
        [
            "pipeline enqueue --folder ./photos --wait                 # index a folder and show progress",
            "pipeline enqueue --manifest uris.csv --batch-size 64      # text, CSV or JSON Lines with a 'uri' column",
            "pipeline enqueue --container photos --prefix 2026/05/     # an Azure Blob container (PIPELINE_Blob__ConnectionString)",
            "pipeline enqueue --folder ./photos --force                # re-embed what is already stored",
        ],
        ["status"] =
        [
            "pipeline status 0193a7c2-…                                # counts once",
            "pipeline status 0193a7c2-… --follow                       # progress, rate and ETA until the job completes",
        ],
        ["retry"] =
        [
            "pipeline retry 0193a7c2-…                                 # every failed image of the job, again",
            "pipeline retry 0193a7c2-… --reason DeadLettered --wait    # only what an outage dead-lettered; follow it",
        ],
        ["dead-letters"] =
        [
            "pipeline dead-letters list                                # job, batch, images and why, for each dead letter",
            "pipeline dead-letters replay --model resnet50             # queue their images again",
            "pipeline dead-letters purge                               # drop the settled ones (failures stay recorded)",
        ],
        ["index"] =
        [
            "pipeline index mobilenetv2                                # build the HNSW index (or finish a cancelled build)",
            "PIPELINE_Index__MaintenanceWorkMem=4GB PIPELINE_Index__MaxParallelMaintenanceWorkers=7 pipeline index mobilenetv2 --rebuild",
        ],
        ["serve"] =
        [
            "pipeline serve                                            # http://127.0.0.1:8080/: search, jobs, models, duplicates, /api",
            "pipeline serve --host '*' --port 8080                     # every interface (set PIPELINE_Serve__BearerToken)",
        ],
        ["export"] =
        [
            "pipeline export mobilenetv2 --format parquet --out vectors.parquet",
            "pipeline export mobilenetv2 --job 0193a7c2-… --format npy --out vectors.npy   # + vectors.npy.uris.txt, .meta.json",
            "pipeline export mobilenetv2 --since 2026-11-01T00:00:00Z --format parquet --out new.parquet",
        ],
        ["duplicates"] =
        [
            "pipeline duplicates mobilenetv2 --max-distance 0.15 > groups.csv",
            "pipeline duplicates mobilenetv2 --job 0193a7c2-… --max-distance 0.15 --format json --out groups.json",
        ],
        ["search"] =
        [
            "pipeline search ./query.jpg                               # the 5 nearest stored images",
            "pipeline search https://example.com/cat.jpg --top 20",
        ],
    };

    /// <summary>Wraps the help of <paramref name="root"/>; help is a recursive option, so every command gets the section.</summary>
    public static void Apply(RootCommand root)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction help } option)
        {
            option.Action = new CommandExamples(help);
        }
    }

    /// <summary>Like help itself: <c>status --help</c> needs no job argument.</summary>
    public override bool ClearsParseErrors => help.ClearsParseErrors;

    public override int Invoke(ParseResult parseResult)
    {
        var code = help.Invoke(parseResult);
        if (Examples.TryGetValue(parseResult.CommandResult.Command.Name, out var lines))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var line in lines)
            {
                output.WriteLine("  " + line);
            }

            output.WriteLine();
        }

        return code;
    }
}
