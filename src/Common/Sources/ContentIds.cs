using System.Globalization;
using System.Security.Cryptography;

namespace Pipeline.Common.Sources;

/// <summary>
/// Content identity strings: equal strings mean "same bytes, no need to embed again".
/// A listing and a fetch of the same unchanged image produce the same string.
/// </summary>
public static class ContentIds
{
    /// <summary><c>stat:&lt;size&gt;:&lt;mtime ticks utc&gt;</c>: cheap, never reads the file.</summary>
    public static string ForFileStat(long length, DateTime lastWriteTimeUtc) =>
        string.Create(CultureInfo.InvariantCulture, $"stat:{length}:{lastWriteTimeUtc.ToUniversalTime().Ticks}");

    /// <summary><c>etag:&lt;etag without quotes&gt;</c>; null for an empty tag.</summary>
    /// <remarks>Azure quotes ETags in response headers but not in listings, hence the trim.</remarks>
    public static string? ForETag(string? etag)
    {
        var value = etag?.Trim().Trim('"');
        return string.IsNullOrEmpty(value) ? null : "etag:" + value;
    }

    /// <summary><c>sha256:&lt;lower-case hex&gt;</c> of the content.</summary>
    public static string ForSha256(ReadOnlySpan<byte> content) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary><c>sha256:&lt;lower-case hex&gt;</c> from a hash given as hex (e.g. in a manifest).</summary>
    /// <exception cref="FormatException">Not 64 hex digits.</exception>
    public static string FromSha256Hex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var value = hex.Trim();
        return value.Length == 64 && value.All(char.IsAsciiHexDigit)
            ? "sha256:" + value.ToLowerInvariant()
            : throw new FormatException("a SHA-256 must be 64 hex digits");
    }
}
