using System.Globalization;
using System.Text;
using Pipeline.Benchmarks.EndToEnd;
using Pipeline.Benchmarks.Enqueueing;

namespace Pipeline.Benchmarks.Reporting;

/// <summary>What one run measured, printed as the README's performance table.</summary>
internal sealed class BenchReport(BenchOptions options, string machine)
{
    public Throughput? Inference { get; set; }

    public Throughput? Decode { get; set; }

    /// <summary>Decode + preprocess in exact mode (<see cref="Pipeline.Common.Decoding.PreprocessFidelity.Exact"/>).</summary>
    public Throughput? DecodeExact { get; set; }

    public int DecodeThreads { get; set; }

    public EndToEndResult? EndToEnd { get; set; }

    public EndToEndResult? EndToEndLarge { get; set; }

    /// <summary>Decode + preprocess of the README's sample photos (ordinary sizes: no reduced JPEG decoding).</summary>
    public Throughput? SamplesDecode { get; set; }

    public EndToEndResult? SamplesEndToEnd { get; set; }

    public double? SamplesIdeal => Inference is { } i && SamplesDecode is { } d ? 1 / ((1 / d.PerSecond) + (1 / i.PerSecond)) : null;

    public EnqueueResult? EnqueueSmall { get; set; }

    public EnqueueResult? Enqueue { get; set; }

    public Throughput? Write { get; set; }

    public int WriteDims { get; set; }

    /// <summary>Decode and inference share the same cores, so their times per image add up.</summary>
    public double? Ideal => Inference is { } i && Decode is { } d ? 1 / ((1 / d.PerSecond) + (1 / i.PerSecond)) : null;

    public double? EfficiencyOfIdeal => EndToEnd is { } e && Ideal is { } ideal ? e.Job.PerSecond / ideal : null;

    /// <summary>Peak RSS growth from the small to the large end-to-end run.</summary>
    public double? ResidentGrowth => EndToEnd is { } small && EndToEndLarge is { } large
        ? (large.WorkerPeakResidentBytes / (double)small.WorkerPeakResidentBytes) - 1
        : null;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Benchmark run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {machine}; bundled MobileNetV2 (int8, CPU), "
            + $"batch {options.BatchSize}{(options.Smoke ? "; SMOKE SIZES, numbers meaningless" : string.Empty)}");
        if (options.WorkerSettings.Count > 0)
        {
            Line(text, $"Worker settings: {string.Join(", ", options.WorkerSettings.Select(s => $"{s.Key}={s.Value}"))}");
        }

        Line(text, $"");
        Line(text, $"| measure | result |");
        Line(text, $"|---|---|");
        if (Inference is { } inference)
        {
            Line(text, $"| 1. inference alone (pre-decoded tensors, {inference.Items:N0} images) | {inference.PerSecond:F1} img/s |");
        }

        if (Decode is { } decode)
        {
            Line(text, $"| 2. decode + preprocess alone ({DecodeThreads} threads, {decode.Items:N0} photos) | {decode.PerSecond:F1} img/s |");
        }

        if (DecodeExact is { } exact)
        {
            var ratio = Decode is { } fast ? $" ({exact.PerSecond / fast.PerSecond:0.00} × fast)" : string.Empty;
            Line(text, $"| 2b. the same, `Model:Fidelity=Exact` (full decode, Pillow resampling) | {exact.PerSecond:F1} img/s{ratio} |");
        }

        if (Ideal is { } ideal)
        {
            Line(text, $"| ideal on shared cores, 1 / (1/decode + 1/inference) | {ideal:F1} img/s |");
        }

        if (EndToEnd is { } e2e)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| 3. end-to-end job, {e2e.Job.Items:N0} photos (scheduler → RabbitMQ → worker → Postgres) | "
                + $"{e2e.Job.PerSecond:F1} img/s in {e2e.Job.Elapsed.TotalSeconds:F1} s |");
            if (EfficiencyOfIdeal is { } ratio)
            {
                Line(text, $"| 4. end-to-end ÷ ideal | **{ratio:F2}** |");
            }

            Line(text, $"| worker peak RSS, {e2e.Job.Items:N0} photos | {Mib(e2e.WorkerPeakResidentBytes)} |");
            Line(text, $"| machine CPU over the job ({Environment.ProcessorCount} cores) | {e2e.Cpu} |");
            // CPU time, unlike wall time, hardly moves when other processes share the machine: the A/B measure there.
            Line(text, $"| worker CPU time over the job | {e2e.WorkerCpu.TotalSeconds:F2} s ({e2e.WorkerCpu.TotalMilliseconds / Math.Max(1, e2e.Job.Items):F2} ms per image) |");
            Line(text, $"| job timeline: all queued / first batch committed, after the job's creation | {e2e.Enqueue.TotalSeconds:F2} s / {e2e.FirstCommit.TotalSeconds:F2} s |");
            Line(text, $"| HNSW index build after the first job ({e2e.Job.Items:N0} rows, not per image) | {e2e.IndexBuild.TotalSeconds:F1} s |");
        }

        if (EndToEndLarge is { } large)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| end-to-end job, {large.Job.Items:N0} photos | {large.Job.PerSecond:F1} img/s in {large.Job.Elapsed.TotalSeconds:F1} s"
                + $"{(Ideal is { } i ? $" ({large.Job.PerSecond / i:F2} × ideal)" : string.Empty)} |");
            Line(text, $"| machine CPU over the {large.Job.Items:N0}-photo job | {large.Cpu} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"| worker peak RSS, {large.Job.Items:N0} photos | {Mib(large.WorkerPeakResidentBytes)}"
                + $"{(ResidentGrowth is { } growth ? $" ({growth:+0.0%;-0.0%} vs {EndToEnd!.Job.Items:N0})" : string.Empty)} |");
        }

        if (SamplesDecode is { } samplesDecode)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| 2b. decode + preprocess alone, README sample photos ({samplesDecode.Items:N0}, 352×448 to 1352×900, "
                + $"JPEG and PNG) | {samplesDecode.PerSecond:F1} img/s |");
        }

        if (SamplesIdeal is { } samplesIdeal)
        {
            Line(text, $"| ideal on the sample photos, 1 / (1/decode 2b + 1/inference) | {samplesIdeal:F1} img/s |");
        }

        if (SamplesEndToEnd is { } samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| 5. end-to-end job, {samples.Job.Items:N0} sample photos (repeated, distinct URIs) | "
                + $"{samples.Job.PerSecond:F1} img/s in {samples.Job.Elapsed.TotalSeconds:F1} s"
                + $"{(SamplesIdeal is { } si ? $" ({samples.Job.PerSecond / si:F2} × ideal)" : string.Empty)} |");
            Line(text, $"| worker peak RSS, {samples.Job.Items:N0} sample photos | {Mib(samples.WorkerPeakResidentBytes)} |");
        }

        foreach (var enqueue in new[] { EnqueueSmall, Enqueue })
        {
            if (enqueue is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| scheduler enqueue, {enqueue.Job.Items:N0} manifest URIs, {enqueue.Messages:N0} messages with confirms | "
                    + $"{enqueue.Job.PerSecond:N0} URIs/s ({enqueue.Process.PerSecond:N0} counting process start)"
                    + $", peak RSS {Mib(enqueue.PeakResidentBytes)} |");
            }
        }

        if (Write is { } write)
        {
            Line(text, $"| bulk write path alone ({write.Items:N0} rows × {WriteDims} dims, COPY + merge) | {write.PerSecond:N0} rows/s |");
        }

        return text.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F0} MiB");

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
