namespace Pipeline.Common.Sources;

/// <summary>How a manifest file lists images.</summary>
public enum ManifestFormat
{
    /// <summary>One URI or path per line; blank lines and <c>#</c> comments skipped.</summary>
    Text,
    /// <summary>RFC 4180 CSV with a header row naming a <c>uri</c> column (optional <c>content_id</c>, <c>etag</c>, <c>sha256</c>).</summary>
    Csv,
    /// <summary>One JSON object per line with <c>uri</c> (optional <c>content_id</c>, <c>etag</c>, <c>sha256</c>).</summary>
    JsonLines,
}
