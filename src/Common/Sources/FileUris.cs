using System.Text;

namespace Pipeline.Common.Sources;

/// <summary>
/// The one canonical <c>file://</c> form of a local path, and its inverse. Lossless: the path's UTF-8 bytes are
/// written as they are when they are RFC 3986 path characters (<c>A–Z a–z 0–9 - . _ ~ ! $ &amp; ' ( ) * + , ; = : @</c>
/// and the separator <c>/</c>) and as <c>%XX</c> otherwise (space, <c>%</c>, <c>#</c>, <c>?</c>, <c>[</c>, <c>]</c>,
/// controls, every non-ASCII byte), so <c>%41</c>, NFC and NFD spellings and private-use characters each keep
/// their own URI and come back as exactly the path that was listed.
/// </summary>
/// <remarks>
/// Parsing accepts every RFC 8089 form of a local file URI (<c>file:/abs</c>, <c>file:///abs</c>,
/// <c>file://localhost/abs</c>, any case of scheme and host), any <c>%XX</c> case, and raw non-ASCII letters;
/// it refuses a host other than <c>localhost</c>, a query or fragment (a real <c>?</c> or <c>#</c> in a name is
/// <c>%3F</c>/<c>%23</c>), a malformed <c>%</c>, NUL, and bytes that are not UTF-8 (.NET names files by UTF-16
/// strings decoded from UTF-8, so such a file cannot be opened by name). Dot segments are not resolved here:
/// the decoded path is returned as written, for <see cref="UriPolicy.HasTraversal"/> to judge.
/// </remarks>
public static class FileUris
{
    private const string Scheme = "file:";

    /// <summary>The canonical URI of an absolute path: <c>/data/a b%41.jpg</c> → <c>file:///data/a%20b%2541.jpg</c>.</summary>
    /// <exception cref="ArgumentException">The path is not absolute, holds NUL, or a lone surrogate.</exception>
    public static string Format(string absolutePath)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        if (!absolutePath.StartsWith('/'))
        {
            throw new ArgumentException($"not an absolute path: {absolutePath}", nameof(absolutePath));
        }
        if (absolutePath.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("the path holds a NUL character", nameof(absolutePath));
        }
        var builder = new StringBuilder("file://", absolutePath.Length + 16);
        PercentEncoding.Append(builder, absolutePath, static b => b == (byte)'/' || PercentEncoding.IsPathChar(b));
        return builder.ToString();
    }

    /// <summary>True when <paramref name="text"/> starts with the <c>file:</c> scheme (any case).</summary>
    public static bool IsFileUri(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The decoded absolute path a file URI names (dot segments and <c>//</c> kept as written).</summary>
    public static bool TryParse(string uri, out string? path, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(uri);
        path = null;
        if (!IsFileUri(uri))
        {
            problem = "not a file: URI";
            return false;
        }
        var rest = uri.AsSpan(Scheme.Length);
        if (rest.StartsWith("//"))
        {
            // file://authority/path: the authority must be empty or localhost (RFC 8089 §2).
            var authorityEnd = rest[2..].IndexOfAny('/', '?', '#');
            var authority = authorityEnd < 0 ? rest[2..] : rest.Slice(2, authorityEnd);
            if (authority.Length != 0 && !authority.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                problem = "file URIs must name a local path (no host but localhost)";
                return false;
            }
            rest = authorityEnd < 0 ? [] : rest[(2 + authorityEnd)..];
        }
        if (rest.Length == 0 || rest[0] != '/')
        {
            problem = "a file URI needs an absolute path (file:/abs, file:///abs or file://localhost/abs)";
            return false;
        }
        if (rest.IndexOfAny('?', '#') >= 0)
        {
            problem = "a file URI has no query or fragment (write '?' as %3F and '#' as %23)";
            return false;
        }
        if (!PercentEncoding.TryDecode(rest, out path, out problem))
        {
            problem += " (.NET opens files by Unicode name only)";
            return false;
        }
        if (path!.Contains('\0', StringComparison.Ordinal))
        {
            path = null;
            problem = "the path holds a NUL character";
            return false;
        }
        return true;
    }
}
