namespace Pipeline.Common;

/// <summary>How vectors are stored in pgvector.</summary>
public enum StoragePrecision
{
    /// <summary>float32 <c>vector</c> up to 2,000 dimensions (HNSW's limit for it), float16 <c>halfvec</c> above.</summary>
    Auto,
    /// <summary>float32 <c>vector</c> always (4 bytes a dimension).</summary>
    Full,
    /// <summary>float16 <c>halfvec</c> always (2 bytes a dimension; cosine distances move in the fourth decimal).</summary>
    Half,
}
