using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Pipeline.Common.Sources;

/// <summary>
/// A parsed, normalised image URI. Local paths become <c>file:///abs/path</c> (System.Uri escaping);
/// http(s) URLs keep their query (a SAS may be needed to fetch) but <see cref="ToString"/> redacts it.
/// </summary>
public sealed partial class ImageUri
{
    private ImageUri(ImageUriKind kind, Uri uri, BlobLocation? blob)
    {
        Kind = kind;
        Uri = uri;
        Blob = blob;
    }

    /// <summary>
    /// Longest URI accepted, in UTF-8 bytes. Postgres refuses b-tree index rows over 2,704 bytes
    /// (<c>embeddings_&lt;model&gt;.uri</c> is unique, <c>failures</c> is keyed by job and URI); 2,048 leaves room for
    /// the key's other columns and is what common browsers and CDNs accept in practice.
    /// </summary>
    public const int MaxBytes = 2048;

    public ImageUriKind Kind { get; }

    public Uri Uri { get; }

    /// <summary>The canonical text stored in queues and tables (query included).</summary>
    public string Value => Uri.AbsoluteUri;

    /// <summary>Account, container and blob name; set only for <see cref="ImageUriKind.Blob"/>.</summary>
    public BlobLocation? Blob { get; }

    /// <summary>The absolute local path; set only for <see cref="ImageUriKind.File"/>.</summary>
    public string? LocalPath => Kind == ImageUriKind.File ? LocalPathOf(Uri) : null;

    /// <summary>Parses a local path (relative to <paramref name="baseDirectory"/>, default the current directory), a file:// URI or an http(s) URL.</summary>
    /// <param name="blobEndpoints">Endpoints whose URLs count as blobs besides <c>*.blob.core.windows.net</c>.</param>
    /// <exception cref="ImageFailureException">With <see cref="FailureReason.InvalidUri"/>.</exception>
    public static ImageUri Parse(string value, BlobEndpoints? blobEndpoints = null, string? baseDirectory = null) =>
        TryParse(value, blobEndpoints, baseDirectory, out var result, out var problem)
            ? result
            : throw new ImageFailureException(FailureReason.InvalidUri, $"invalid image URI '{Redact(value ?? "")}': {problem}");

    public static bool TryParse(
        string? value,
        BlobEndpoints? blobEndpoints,
        string? baseDirectory,
        [NotNullWhen(true)] out ImageUri? result) =>
        TryParse(value, blobEndpoints, baseDirectory, out result, out _);

    /// <summary>The <c>file:///</c> form of a local path.</summary>
    /// <exception cref="ImageFailureException">With <see cref="FailureReason.InvalidUri"/>.</exception>
    public static ImageUri FromLocalPath(string path, string? baseDirectory = null) =>
        TryFromLocalPath(path, baseDirectory, out var result, out var problem)
            ? result
            : throw new ImageFailureException(FailureReason.InvalidUri, $"invalid image path '{Redact(path ?? "")}': {problem}");

    /// <summary>
    /// A URI safe for logs and exception messages: the query (an Azure SAS carries its signature there)
    /// and any user:password are replaced. Works on text that does not parse as a URI too.
    /// </summary>
    public static string Redact(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var query = uri.IndexOf('?', StringComparison.Ordinal);
        var text = query < 0 ? uri : string.Concat(uri.AsSpan(0, query), "?[redacted]");
        var authorityStart = text.IndexOf("://", StringComparison.Ordinal);
        if (authorityStart < 0)
        {
            return text;
        }
        authorityStart += 3;
        var authorityEnd = text.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = text.AsSpan(authorityStart, (authorityEnd < 0 ? text.Length : authorityEnd) - authorityStart);
        var at = authority.LastIndexOf('@');
        return at < 0
            ? text
            : string.Concat(text.AsSpan(0, authorityStart), "[redacted]", text.AsSpan(authorityStart + at));
    }

    /// <summary>The redacted form: safe to log.</summary>
    public override string ToString() => Redact(Value);

    private static bool TryParse(
        string? value,
        BlobEndpoints? blobEndpoints,
        string? baseDirectory,
        [NotNullWhen(true)] out ImageUri? result,
        [NotNullWhen(false)] out string? problem)
    {
        result = null;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problem = "empty";
            return false;
        }
        if (!SchemePrefix().IsMatch(text))
        {
            return TryFromLocalPath(text, baseDirectory, out result, out problem);
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            problem = "not a well-formed URI";
            return false;
        }

        if (uri.Scheme == Uri.UriSchemeFile)
        {
            if (uri.Host.Length != 0 && !string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                problem = "file URIs must name a local path (no host)";
                return false;
            }
            return TryFromLocalPath(LocalPathOf(uri), null, out result, out problem);
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            problem = $"unsupported scheme '{uri.Scheme}'";
            return false;
        }
        if (uri.Host.Length == 0)
        {
            problem = "no host";
            return false;
        }

        if ((blobEndpoints ?? BlobEndpoints.PublicCloudOnly).TryMatch(uri, out var blob))
        {
            if (blob is null)
            {
                problem = "blob URL without a container and blob name";
                return false;
            }
            result = new ImageUri(ImageUriKind.Blob, uri, blob);
        }
        else
        {
            result = new ImageUri(ImageUriKind.Http, uri, null);
        }
        problem = null;
        return true;
    }

    private static bool TryFromLocalPath(
        string? path,
        string? baseDirectory,
        [NotNullWhen(true)] out ImageUri? result,
        [NotNullWhen(false)] out string? problem)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            problem = "empty path";
            return false;
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            problem = "path contains a NUL character";
            return false;
        }
        var fullPath = baseDirectory is null ? Path.GetFullPath(path) : Path.GetFullPath(path, Path.GetFullPath(baseDirectory));
        // An absolute path as a Uri percent-escapes '%', '#', '?', spaces and non-ASCII, so the text round-trips.
        if (!Uri.TryCreate(fullPath, UriKind.Absolute, out var uri))
        {
            problem = "path cannot be written as a file URI";
            return false;
        }
        result = new ImageUri(ImageUriKind.File, uri, null);
        problem = null;
        return true;
    }

    // file://localhost/x is a UNC-looking URI to System.Uri; its path is what we want.
    private static string LocalPathOf(Uri fileUri) =>
        fileUri.Host.Length == 0 ? fileUri.LocalPath : Uri.UnescapeDataString(fileUri.AbsolutePath);

    // A scheme of two or more letters followed by ':' (one letter would be a Windows drive).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]+:", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();
}
