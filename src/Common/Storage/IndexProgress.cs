namespace Pipeline.Common.Storage;

/// <summary>One reading of <c>pg_stat_progress_create_index</c> for a running build.</summary>
/// <param name="Phase">Postgres' phase text, e.g. <c>building index: loading tuples</c>.</param>
public sealed record IndexProgress(string Phase, long TuplesDone, long TuplesTotal, long BlocksDone, long BlocksTotal)
{
    /// <summary>Share done in the current phase, 0–100, when Postgres counts it.</summary>
    public int? Percent =>
        TuplesTotal > 0 ? (int)(100 * TuplesDone / TuplesTotal)
        : BlocksTotal > 0 ? (int)(100 * BlocksDone / BlocksTotal)
        : null;

    /// <summary>One line for the terminal or the log: phase, blocks or tuples done, percentage.</summary>
    public string Describe() =>
        TuplesTotal > 0 ? $"{Phase}: {TuplesDone:N0} of {TuplesTotal:N0} rows"
        : BlocksTotal > 0 ? $"{Phase}: {BlocksDone:N0} of {BlocksTotal:N0} blocks"
        : Phase;
}
