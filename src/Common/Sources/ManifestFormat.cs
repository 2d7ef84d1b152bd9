namespace Pipeline.Common.Sources;

/// <summary>How a manifest file lists images.</summary>
public enum ManifestFormat
{
    /// <summary>
    /// One URI or path per line, white space around it trimmed; blank lines and comments skipped. A comment is a
    /// line that is <c>#</c> alone or starts with <c>#</c> and a space or tab (<see cref="ManifestImageSource.IsComment"/>),
    /// so <c>#1.jpg</c> is a file name.
    /// </summary>
    Text,
    /// <summary>RFC 4180 CSV with a header row naming a <c>uri</c> column (optional <c>content_id</c>, <c>etag</c>, <c>sha256</c>).</summary>
    Csv,
    /// <summary>One JSON object per line with <c>uri</c> (optional <c>content_id</c>, <c>etag</c>, <c>sha256</c>).</summary>
    JsonLines,
}
