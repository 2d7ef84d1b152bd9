namespace Pipeline.Common.Storage;

/// <summary>How a model's table is indexed for nearest-neighbour search.</summary>
public enum VectorIndexKind
{
    /// <summary>HNSW with cosine distance directly on the embedding column.</summary>
    Cosine,

    /// <summary>
    /// HNSW with Hamming distance on <c>binary_quantize(embedding)::bit(n)</c>, for widths beyond what HNSW
    /// indexes on the column type; searches re-rank the candidates by exact cosine distance.
    /// </summary>
    BinaryQuantized,
}
