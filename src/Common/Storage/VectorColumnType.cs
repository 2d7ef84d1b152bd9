namespace Pipeline.Common.Storage;

/// <summary>pgvector column type for a width, following pgvector's HNSW limits.</summary>
public static class VectorColumnType
{
    /// <summary>HNSW indexes <c>vector</c> up to 2,000 dimensions.</summary>
    public const int MaxVectorDims = 2000;

    /// <summary>HNSW indexes <c>halfvec</c> up to 4,000 dimensions.</summary>
    public const int MaxHalfVecDims = 4000;

    public static string For(int dims) => dims switch
    {
        <= 0 => throw new ArgumentOutOfRangeException(nameof(dims), dims, "width must be positive"),
        <= MaxVectorDims => "vector",
        <= MaxHalfVecDims => "halfvec",
        _ => throw new NotSupportedException(
            $"width {dims} exceeds pgvector's HNSW limit of {MaxHalfVecDims} dimensions; pick a narrower pooling or backbone"),
    };

    /// <summary>Operator class for cosine distance on the column type.</summary>
    public static string CosineOps(string columnType) => $"{columnType}_cosine_ops";
}
