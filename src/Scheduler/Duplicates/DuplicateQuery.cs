namespace Pipeline.Scheduler.Duplicates;

/// <summary>What counts as a near-duplicate.</summary>
/// <param name="MaxDistance">Largest cosine distance (0 to 2) of a pair joined into one group.</param>
/// <param name="JobId">Only rows of this job start a search (their neighbours may be any stored row); null: every row.</param>
/// <param name="Neighbours">Nearest neighbours looked at per row (through the HNSW index); groups larger than this still form through chains.</param>
internal sealed record DuplicateQuery(double MaxDistance, Guid? JobId = null, int Neighbours = 10)
{
    /// <summary>Rows searched per statement: progress and memory stay per chunk.</summary>
    public const int ChunkRows = 2000;
}
