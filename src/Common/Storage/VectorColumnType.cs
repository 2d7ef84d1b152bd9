namespace Pipeline.Common.Storage;

/// <summary>pgvector column type for a width, following pgvector's limits (see <see cref="VectorStorage"/>).</summary>
public static class VectorColumnType
{
    /// <summary>HNSW indexes <c>vector</c> up to 2,000 dimensions.</summary>
    public const int MaxVectorDims = 2000;

    /// <summary>HNSW indexes <c>halfvec</c> up to 4,000 dimensions.</summary>
    public const int MaxHalfVecDims = 4000;

    /// <summary><c>vector</c> and <c>halfvec</c> columns hold up to 16,000 dimensions.</summary>
    public const int MaxStoredDims = 16000;

    /// <summary>The column type at the default precision: <c>vector</c> up to 2,000 dimensions, <c>halfvec</c> above.</summary>
    public static string For(int dims) => VectorStorage.For(dims, StoragePrecision.Auto).ColumnType;

    /// <summary>Operator class for cosine distance on the column type.</summary>
    public static string CosineOps(string columnType) => $"{columnType}_cosine_ops";
}
