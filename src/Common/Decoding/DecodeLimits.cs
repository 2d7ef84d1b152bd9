namespace Pipeline.Common.Decoding;

/// <summary>Per-image limits checked before decoding, so one hostile file cannot exhaust a worker's memory.</summary>
public sealed class DecodeLimits
{
    /// <summary>Largest declared width × height accepted (default 100 megapixels, ~300 MB as BGR).</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Largest encoded size accepted (default 64 MiB).</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}
