using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Pipeline.Common.Sources;

/// <summary>
/// A parsed, canonical image URI: one text per object, the key of its row. Local paths become
/// <see cref="FileUris.Format">file:///abs/path</see> (lossless percent-encoding of the path's bytes); blob URLs
/// are rebuilt from service, container and the verbatim blob name (<see cref="BlobNames.Format"/>); other
/// http(s) URLs are System.Uri's form. Queries (a SAS, <c>snapshot=</c>, <c>versionid=</c>) are kept, but
/// <see cref="ToString"/> redacts them.
/// </summary>
public sealed partial class ImageUri
{
    private readonly Uri? _uri;

    private ImageUri(ImageUriKind kind, string value, BlobLocation? blob, string? localPath)
    {
        Kind = kind;
        Value = value;
        // System.Uri cannot hold every Linux path (it reads file:///c:x as a DOS drive): files go without one.
        _uri = kind == ImageUriKind.File ? null : new Uri(value);
        Blob = blob;
        LocalPath = localPath;
    }

    /// <summary>
    /// Longest URI accepted, in UTF-8 bytes. Postgres refuses b-tree index rows over 2,704 bytes
    /// (<c>embeddings_&lt;model&gt;.uri</c> is unique, <c>failures</c> is keyed by job and URI); 2,048 leaves room for
    /// the key's other columns and is what common browsers and CDNs accept in practice.
    /// </summary>
    public const int MaxBytes = 2048;

    /// <summary>Local file, blob or http(s).</summary>
    public ImageUriKind Kind { get; }

    /// <summary>
    /// The canonical text of a blob or http(s) URL as a System.Uri (scheme, host, query). Its path properties are
    /// System.Uri's reading (some escapes undone): use <see cref="Blob"/> for the name.
    /// </summary>
    /// <exception cref="InvalidOperationException">A local file: use <see cref="LocalPath"/>.</exception>
    public Uri Uri => _uri ?? throw new InvalidOperationException($"{this} is a local file: use LocalPath, not a System.Uri");

    /// <summary><c>file</c>, <c>http</c> or <c>https</c> (lower case).</summary>
    public string Scheme => _uri?.Scheme ?? Uri.UriSchemeFile;

    /// <summary>The canonical text stored in queues and tables (query included).</summary>
    public string Value { get; }

    /// <summary>Account, container and blob name; set only for <see cref="ImageUriKind.Blob"/>.</summary>
    public BlobLocation? Blob { get; }

    /// <summary>The absolute local path, exactly; set only for <see cref="ImageUriKind.File"/>.</summary>
    public string? LocalPath { get; }

    /// <summary>Parses a local path (relative to <paramref name="baseDirectory"/>, default the current directory), a file:// URI or an http(s) URL.</summary>
    /// <param name="blobEndpoints">Endpoints whose URLs count as blobs besides <c>*.blob.core.windows.net</c>.</param>
    /// <exception cref="ImageFailureException">With <see cref="FailureReason.InvalidUri"/>.</exception>
    public static ImageUri Parse(string value, BlobEndpoints? blobEndpoints = null, string? baseDirectory = null) =>
        TryParse(value, blobEndpoints, baseDirectory, out var result, out var problem)
            ? result
            : throw new ImageFailureException(FailureReason.InvalidUri, $"invalid image URI '{Redact(value ?? "")}': {problem}");

    /// <summary>Like <see cref="Parse"/>, without the exception: false for a value that is no valid image URI.</summary>
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
        if (FileUris.IsFileUri(text))
        {
            // Our own reading, not System.Uri's: it would decode %2E%2E into a '..' and resolve it, turn %41 into A
            // and refuse file:/abs.
            return FileUris.TryParse(text, out var path, out problem)
                ? TryFromLocalPath(path, null, out result, out problem)
                : false;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            problem = "not a well-formed URI";
            return false;
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

        if ((blobEndpoints ?? BlobEndpoints.PublicCloudOnly).TryMatch(uri, out var blob, out problem))
        {
            if (blob is null)
            {
                problem ??= "blob URL without a container and blob name";
                return false;
            }
            result = new ImageUri(ImageUriKind.Blob, BlobNames.Format(blob.ServiceUri, blob.ContainerName, blob.BlobName) + uri.Query, blob, null);
        }
        else
        {
            result = new ImageUri(ImageUriKind.Http, uri.AbsoluteUri, null, null);
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
        // GetFullPath drops '.' segments and doubled separators (the same file) and resolves '..' lexically;
        // UriPolicy refuses '..' before a path gets here.
        var fullPath = baseDirectory is null ? Path.GetFullPath(path) : Path.GetFullPath(path, Path.GetFullPath(baseDirectory));
        try
        {
            result = new ImageUri(ImageUriKind.File, FileUris.Format(fullPath), null, fullPath);
        }
        catch (ArgumentException ex)
        {
            problem = ex.Message;
            return false;
        }
        problem = null;
        return true;
    }

    // A scheme of two or more letters followed by ':' (one letter would be a Windows drive).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]+:", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();
}
