using System.Diagnostics;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Export;

/// <summary>
/// Streams a model's rows (binary COPY) into Parquet or .npy. Files are written under a <c>.partial</c> name and renamed
/// when complete, so a reader never sees half a file.
/// </summary>
internal sealed class Exporter(PipelineDataSource dataSource, TimeProvider time)
{
    /// <param name="progress">Rows written so far and in all.</param>
    public async Task<ExportResult> ExportAsync(
        ModelIdentity model, ExportFilter filter, ExportFormat format, string path, IProgress<(long Done, long Total)>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var clock = Stopwatch.StartNew();
        var rows = new EmbeddingRows(dataSource);
        var total = await rows.CountAsync(model, filter, cancellationToken).ConfigureAwait(false);
        var metadata = Provenance.Of(model, filter, time.GetUtcNow());
        var partial = path + ".partial";
        long written = 0;
        var files = new List<string> { path };
        var stream = new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            if (format == ExportFormat.Parquet)
            {
                var writer = await ParquetExportWriter.CreateAsync(stream, model.Dims, metadata, cancellationToken).ConfigureAwait(false);
                await using (writer.ConfigureAwait(false))
                {
                    await foreach (var row in rows.ReadAsync(model, filter, cancellationToken).ConfigureAwait(false))
                    {
                        await writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
                        Report(progress, ++written, total);
                    }

                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                files.Add(path + ".uris.txt");
                files.Add(path + ".meta.json");
                var writer = await NpyExportWriter.CreateAsync(stream, files[1], files[2], model.Dims, metadata, cancellationToken).ConfigureAwait(false);
                await using (writer.ConfigureAwait(false))
                {
                    await foreach (var row in rows.ReadAsync(model, filter, cancellationToken).ConfigureAwait(false))
                    {
                        await writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
                        Report(progress, ++written, total);
                    }

                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        File.Move(partial, path, overwrite: true);
        progress?.Report((written, Math.Max(total, written)));
        return new ExportResult(written, model.Dims, files, clock.Elapsed, PeakRss());
    }

    private static void Report(IProgress<(long, long)>? progress, long written, long total)
    {
        if (progress is not null && written % 10_000 == 0)
        {
            progress.Report((written, total));
        }
    }

    /// <summary>Peak resident set size of this process (Linux VmHWM), 0 elsewhere.</summary>
    public static long PeakRss()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(Status))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), out var kib))
            {
                return kib * 1024;
            }
        }

        return 0;
    }
}
