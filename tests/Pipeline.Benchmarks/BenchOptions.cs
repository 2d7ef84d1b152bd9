using System.Globalization;

namespace Pipeline.Benchmarks;

/// <summary>Sizes of one benchmark run; <c>--smoke</c> shrinks everything so CI can prove the harness works.</summary>
internal sealed record BenchOptions
{
    public const string Usage =
        """
        usage: Pipeline.Benchmarks [--smoke] [--images N] [--sample-images N] [--rss-images N] [--enqueue-uris N]
                                   [--write-rows N] [--inference-seconds S] [--batch-size N]
                                   [--work DIR] [--report FILE] [--only STEP[,STEP…]] [--app PUBLISHED_DIR]
                                   [--set PIPELINE_Section__Key=VALUE]…   (worker settings to try; DOTNET_…, MALLOC_… and Logging__… too)
          steps: inference, decode, e2e, samples, rss, enqueue, write
        Needs the services of scripts/services.sh and their settings in the environment.
        """;

    /// <summary>Generated photos for the decode and end-to-end runs (a mix of 500×375 and 1920×1080).</summary>
    public int Images { get; init; } = 2_000;

    /// <summary>The README's ordinary-size sample photos repeated under distinct names, for the <c>samples</c> step.</summary>
    public int SampleImages { get; init; } = 2_000;

    /// <summary>The second end-to-end run, compared with the first for flat memory (0 skips it).</summary>
    public int RssImages { get; init; } = 20_000;

    public int EnqueueUris { get; init; } = 1_000_000;

    public int WriteRows { get; init; } = 20_480;

    public TimeSpan InferenceDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Images per ONNX Runtime call, as the worker's <c>InferenceBatchSize</c>.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Where generated photos and manifests are kept between runs.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, ".local", "bench");

    public string? ReportFile { get; init; }

    /// <summary>
    /// Where the published programs are (<c>scripts/publish.sh</c>: ReadyToRun, as the images run them); scripts/bench.sh
    /// publishes there. Null: the build output next to the benchmark (CI's smoke run).
    /// </summary>
    public string? AppDirectory { get; init; }

    public IReadOnlySet<string> Steps { get; init; } = AllSteps;

    public bool Smoke { get; init; }

    /// <summary>Extra worker settings (<c>--set</c>), to measure what a knob does.</summary>
    public IReadOnlyDictionary<string, string> WorkerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The worker's batch buffers for the "inference alone" step: <c>--set PIPELINE_Inference__BatchesInFlight=N</c>
    /// applies to it too, else the worker's default.
    /// </summary>
    public int BatchesInFlight => new Worker.Inference.InferenceOptions
    {
        BatchesInFlight = WorkerSettings.TryGetValue("PIPELINE_Inference__BatchesInFlight", out var set) && Int(set) is { } n ? n : 0,
    }.EffectiveBatchesInFlight;

    /// <summary>What <c>--set</c> may change: the programs' settings, the .NET runtime's and glibc's knobs, logging.</summary>
    private static readonly string[] SettablePrefixes = ["PIPELINE_", "DOTNET_", "Logging__", "MALLOC_"];

    public static IReadOnlySet<string> AllSteps { get; } = new HashSet<string>(["inference", "decode", "e2e", "samples", "rss", "enqueue", "write"]);

    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--smoke")
            ? new BenchOptions
            {
                Smoke = true,
                Images = 64,
                SampleImages = 64,
                RssImages = 256,
                EnqueueUris = 20_000,
                WriteRows = 1_024,
                InferenceDuration = TimeSpan.FromSeconds(2),
            }
            : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--smoke":
                    continue;
                case "--images" when Int(value) is { } n:
                    options = options with { Images = n };
                    break;
                case "--sample-images" when Int(value) is { } n and > 0:
                    options = options with { SampleImages = n };
                    break;
                case "--rss-images" when Int(value) is { } n:
                    options = options with { RssImages = n };
                    break;
                case "--enqueue-uris" when Int(value) is { } n:
                    options = options with { EnqueueUris = n };
                    break;
                case "--write-rows" when Int(value) is { } n:
                    options = options with { WriteRows = n };
                    break;
                case "--batch-size" when Int(value) is { } n and > 0:
                    options = options with { BatchSize = n };
                    break;
                case "--inference-seconds" when Int(value) is { } n and > 0:
                    options = options with { InferenceDuration = TimeSpan.FromSeconds(n) };
                    break;
                case "--app" when value is not null:
                    options = options with { AppDirectory = Path.GetFullPath(value) };
                    break;
                case "--work" when value is not null:
                    options = options with { WorkDirectory = Path.GetFullPath(value) };
                    break;
                case "--report" when value is not null:
                    options = options with { ReportFile = Path.GetFullPath(value) };
                    break;
                case "--only" when value is not null && value.Split(',') is var steps && steps.All(AllSteps.Contains):
                    options = options with { Steps = new HashSet<string>(steps) };
                    break;
                case "--set" when value?.Split('=', 2) is [var key, var setting] && SettablePrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)):
                    options = options with { WorkerSettings = new Dictionary<string, string>(options.WorkerSettings) { [key] = setting } };
                    break;
                default:
                    return null;
            }

            i++;
        }

        return options.Images < 1 ? null : options;
    }

    public bool Runs(string step) => Steps.Contains(step);

    private static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
