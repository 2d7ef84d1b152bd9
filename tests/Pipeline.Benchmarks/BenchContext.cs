using System.Globalization;
using Pipeline.Common.Messaging;
using Pipeline.Common.Storage;

namespace Pipeline.Benchmarks;

/// <summary>Where the programs and services are: the built worker and <c>pipeline</c> next to this program, settings from the environment.</summary>
internal sealed class BenchContext : IAsyncDisposable
{
    private int _models;

    public BenchContext(BenchOptions options)
    {
        Options = options;
        RepoRoot = FindRepoRoot();
        Postgres = new PostgresOptions
        {
            ConnectionString = Environment.GetEnvironmentVariable("PIPELINE_Postgres__ConnectionString") ?? new PostgresOptions().ConnectionString,
        };
        RabbitMq = new RabbitMqOptions { Uri = Environment.GetEnvironmentVariable("PIPELINE_RabbitMq__Uri") ?? new RabbitMqOptions().Uri };
        DataSource = new PipelineDataSource(Microsoft.Extensions.Options.Options.Create(Postgres));
        Broker = new RabbitMqConnector(Microsoft.Extensions.Options.Options.Create(RabbitMq));
        RunTag = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    public BenchOptions Options { get; }

    public string RepoRoot { get; }

    public string SamplesDirectory => Path.Combine(RepoRoot, "samples", "images");

    /// <summary>The worker the jobs run: the published one (<see cref="BenchOptions.AppDirectory"/>) or the build output.</summary>
    public string WorkerDll => Path.Combine(Options.AppDirectory ?? AppContext.BaseDirectory, "Pipeline.Worker.dll");

    public string SchedulerDll => Path.Combine(Options.AppDirectory ?? AppContext.BaseDirectory, "pipeline.dll");

    public PostgresOptions Postgres { get; }

    public RabbitMqOptions RabbitMq { get; }

    public PipelineDataSource DataSource { get; }

    public RabbitMqConnector Broker { get; }

    /// <summary>Distinguishes this run's model ids (tables, queues) from earlier runs'.</summary>
    public string RunTag { get; }

    /// <summary>A fresh model id: every measured job is a first bulk job into an empty table, as a new index is.</summary>
    public string NewModelId(string step) => $"bench_{step}_{RunTag}_{Interlocked.Increment(ref _models)}";

    /// <summary>Child settings: the bundled model under <paramref name="modelId"/>, quiet logs, no metrics port.</summary>
    public static Dictionary<string, string> ChildEnvironment(string modelId) => new()
    {
        ["PIPELINE_Model__Id"] = modelId,
        ["PIPELINE_Model__Backbone"] = "mobilenetv2",
        ["PIPELINE_Metrics__Port"] = "0",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Pipeline"] = "Information",
        // As the image runs both programs (Dockerfile); --set can still change it.
        [Common.ManagedHeap.Gen0BudgetVariable] = Common.ManagedHeap.Gen0Budget,
    };

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("run from inside the repository (Pipeline.sln not found above the current folder)");
    }
}
