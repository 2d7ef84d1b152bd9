namespace Pipeline.Scheduler.Export;

/// <summary>File formats of <c>pipeline export</c>.</summary>
internal enum ExportFormat
{
    /// <summary>One Parquet file: uri, content_id, job_id, created_at, embedding (list of float or float16), provenance in its metadata.</summary>
    Parquet,

    /// <summary>NumPy <c>.npy</c> <c>[N, D]</c> float32, a <c>.uris.txt</c> (line i = row i) and a <c>.meta.json</c> with the provenance.</summary>
    Npy,
}
