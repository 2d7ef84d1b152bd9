using System.Buffers;

namespace Pipeline.Common.Sources;

/// <summary>
/// Buffers for fetched image bytes. A photo is hundreds of KB to a few MB: a large-object-heap allocation per image
/// without a pool, and <c>ArrayPool.Shared</c> keeps only a few arrays of those sizes per core, fewer than a worker
/// has in flight. A buffer goes back here through <see cref="FetchedImage.Release"/>; one never returned is simply
/// collected.
/// </summary>
internal static class ImageBuffers
{
    // Up to 64 MiB arrays (larger images are allocated and dropped); 64 per size bucket covers a worker's in-flight images.
    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(64 * 1024 * 1024, 64);
}
