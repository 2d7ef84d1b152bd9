namespace Pipeline.Scheduler.Export;

/// <summary>What an export wrote: rows, width, files, time and the process's peak resident memory (VmHWM, bytes; 0 where unknown).</summary>
internal sealed record ExportResult(long Rows, int Dims, IReadOnlyList<string> Files, TimeSpan Elapsed, long PeakRssBytes);
