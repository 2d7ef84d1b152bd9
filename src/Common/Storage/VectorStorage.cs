namespace Pipeline.Common.Storage;

/// <summary>The pgvector column type and index of one model's vectors.</summary>
/// <param name="ColumnType"><c>vector</c> or <c>halfvec</c>.</param>
public sealed record VectorStorage(string ColumnType, int Dims, VectorIndexKind Index)
{
    /// <summary>pgvector's 32-bit float vector type.</summary>
    public const string Vector = "vector";

    /// <summary>pgvector's 16-bit float vector type (half the size, up to 4,000 dims indexed).</summary>
    public const string HalfVec = "halfvec";

    /// <summary>
    /// Up to 2,000 dimensions: <c>vector</c>; up to 4,000: <c>halfvec</c> (pgvector's HNSW limits); above (NASNetLarge's
    /// 4,032): <c>halfvec</c> with the HNSW index on its binary quantization plus an exact re-rank. Never truncated.
    /// </summary>
    /// <exception cref="NotSupportedException">More dimensions than pgvector stores (16,000).</exception>
    public static VectorStorage For(int dims, StoragePrecision precision)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dims);
        if (dims > VectorColumnType.MaxStoredDims)
        {
            throw new NotSupportedException(
                $"width {dims} exceeds pgvector's limit of {VectorColumnType.MaxStoredDims} stored dimensions; pick a narrower pooling or backbone");
        }

        var columnType = precision switch
        {
            StoragePrecision.Full => Vector,
            StoragePrecision.Half => HalfVec,
            _ => dims <= VectorColumnType.MaxVectorDims ? Vector : HalfVec,
        };
        var indexLimit = columnType == Vector ? VectorColumnType.MaxVectorDims : VectorColumnType.MaxHalfVecDims;
        return new VectorStorage(columnType, dims, dims <= indexLimit ? VectorIndexKind.Cosine : VectorIndexKind.BinaryQuantized);
    }

    /// <summary>The precision that stores this column type, for identities read back from the database.</summary>
    public static StoragePrecision PrecisionOf(string columnType) =>
        columnType == HalfVec ? StoragePrecision.Half : StoragePrecision.Full;

    /// <summary>Whether vectors are stored as <c>halfvec</c>.</summary>
    public bool IsHalf => ColumnType == HalfVec;

    /// <summary>Short text for tables and logs: <c>vector</c>, <c>halfvec</c>, or with a binary-quantized index <c>halfvec+bit</c>.</summary>
    public string Describe() => Index == VectorIndexKind.BinaryQuantized ? ColumnType + "+bit" : ColumnType;
}
