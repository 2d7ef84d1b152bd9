using Pipeline.Benchmarks.Decoding;
using Pipeline.Benchmarks.EndToEnd;
using Pipeline.Benchmarks.Enqueueing;
using Pipeline.Benchmarks.Images;
using Pipeline.Benchmarks.Inference;
using Pipeline.Benchmarks.Reporting;
using Pipeline.Benchmarks.Storage;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;

namespace Pipeline.Benchmarks;

/// <summary>Runs the chosen steps in order, each alone on the machine, and prints the report.</summary>
internal static class BenchmarkRun
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        await using var context = new BenchContext(options);
        var report = new BenchReport(options, MachineDescription.Read());
        Progress($"generating {options.Images:N0} photos under {options.WorkDirectory} (kept for later runs)");
        var photos = PhotoSet.Ensure(options.WorkDirectory, context.SamplesDirectory, options.Images);
        var files = Directory.GetFiles(photos, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var images = files.Select(File.ReadAllBytes).ToList();

        using (var backbone = Backbone.Load(new ModelOptions().ToSpec()))
        {
            if (options.Runs("inference"))
            {
                Progress($"1. inference alone for {options.InferenceDuration.TotalSeconds:F0} s");
                report.Inference = InferenceBenchmark.Run(backbone, images, options.BatchSize, options.BatchesInFlight, options.InferenceDuration);
            }

            if (options.Runs("decode"))
            {
                report.DecodeThreads = Environment.ProcessorCount;
                Progress($"2. decode + preprocess of {images.Count:N0} photos on {report.DecodeThreads} threads");
                report.Decode = DecodeBenchmark.Run(images, backbone.Preprocess, report.DecodeThreads);
                Progress("   the same with Model:Fidelity=Exact (full decode, Pillow's resampling)");
                report.DecodeExact = DecodeBenchmark.Run(
                    images, backbone.Preprocess with { Fidelity = PreprocessFidelity.Exact }, report.DecodeThreads);
            }

            if (options.Runs("samples"))
            {
                // 13 files' bytes, referenced SampleImages times: the decoders see the same mix the job below reads.
                var samples = PhotoSet.SampleFiles(context.SamplesDirectory).Select(File.ReadAllBytes).ToList();
                var repeated = Enumerable.Range(0, options.SampleImages).Select(i => samples[i % samples.Count]).ToList();
                Progress($"2b. decode + preprocess of {repeated.Count:N0} README sample photos (ordinary sizes) on {Environment.ProcessorCount} threads");
                report.SamplesDecode = DecodeBenchmark.Run(repeated, backbone.Preprocess, Environment.ProcessorCount);
            }

            report.WriteDims = backbone.Width;
        }

        // The end-to-end runs read the files like any job; collect the in-memory copies now, not during a measured job.
        images.Clear();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (options.Runs("e2e"))
        {
            Progress($"3. end-to-end job on {files.Length:N0} photos");
            report.EndToEnd = await EndToEndBenchmark.RunAsync(context, photos, files.Length, cancellationToken);
        }

        if (options.Runs("samples"))
        {
            var linked = PhotoSet.EnsureSampleLinks(options.WorkDirectory, context.SamplesDirectory, options.SampleImages);
            Progress($"5. end-to-end job on {options.SampleImages:N0} README sample photos (hard links: distinct URIs)");
            report.SamplesEndToEnd = await EndToEndBenchmark.RunAsync(context, linked, options.SampleImages, cancellationToken);
        }

        if (options.Runs("rss") && options.RssImages > 0)
        {
            var linked = PhotoSet.EnsureLinked(options.WorkDirectory, photos, options.RssImages);
            Progress($"   end-to-end job on {options.RssImages:N0} photos (hard links to the same set), for peak RSS");
            report.EndToEndLarge = await EndToEndBenchmark.RunAsync(context, linked, options.RssImages, cancellationToken);
        }

        if (options.Runs("enqueue"))
        {
            Progress($"   scheduler enqueue of {options.EnqueueUris / 10:N0} and {options.EnqueueUris:N0} manifest URIs");
            report.EnqueueSmall = await EnqueueBenchmark.RunAsync(context, options.EnqueueUris / 10, cancellationToken);
            report.Enqueue = await EnqueueBenchmark.RunAsync(context, options.EnqueueUris, cancellationToken);
        }

        if (options.Runs("write"))
        {
            Progress($"   bulk write path alone, {options.WriteRows:N0} rows");
            report.Write = await WriteBenchmark.RunAsync(context, options.WriteRows, report.WriteDims, cancellationToken);
        }

        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.Write(markdown);
        if (options.ReportFile is { } file)
        {
            await File.WriteAllTextAsync(file, markdown, cancellationToken);
        }

        return 0;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");
}
