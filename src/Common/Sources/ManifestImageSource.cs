using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Pipeline.Common.Sources;

/// <summary>
/// Images listed in a manifest file (<see cref="ManifestFormat"/>), read line by line, so a manifest of
/// any length streams. Relative paths resolve against the manifest's folder.
/// </summary>
/// <remarks>
/// Malformed CSV/JSON throws <see cref="ManifestFormatException"/> with the line number. A well-formed line
/// whose URI does not parse, or has a <c>..</c> segment, is still yielded, verbatim, so it is recorded as a
/// failure (InvalidUri, Refused) rather than sinking the whole listing.
/// </remarks>
public sealed class ManifestImageSource : IImageSource
{
    // A stray quote would otherwise swallow the rest of the file into one record.
    private const int MaxCsvRecordChars = 64 * 1024;

    private readonly Func<Stream> _open;
    private readonly string _baseDirectory;
    private readonly BlobEndpoints? _blobEndpoints;

    /// <param name="path">The manifest file.</param>
    /// <param name="format">Overrides detection by extension (<see cref="DetectFormat"/>).</param>
    /// <param name="blobEndpoints">Endpoints whose URLs are blobs, as the fetchers see them.</param>
    public ManifestImageSource(string path, ManifestFormat? format = null, BlobEndpoints? blobEndpoints = null)
        : this(OpenFile, path, format, blobEndpoints)
    {
    }

    /// <summary>Reads from <paramref name="open"/> instead of the file; <paramref name="path"/> still names it.</summary>
    internal ManifestImageSource(Func<string, Stream> open, string path, ManifestFormat? format, BlobEndpoints? blobEndpoints)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ManifestPath = Path.GetFullPath(path);
        Format = format ?? DetectFormat(ManifestPath);
        _open = () => open(ManifestPath);
        _baseDirectory = Path.GetDirectoryName(ManifestPath) ?? Path.GetPathRoot(ManifestPath)!;
        _blobEndpoints = blobEndpoints;
    }

    /// <summary>The absolute manifest path.</summary>
    public string ManifestPath { get; }

    /// <summary>Text, CSV or JSON Lines (from the extension unless given).</summary>
    public ManifestFormat Format { get; }

    /// <inheritdoc/>
    public string Description => "manifest:" + ManifestPath;

    /// <summary><c>.csv</c> → CSV; <c>.jsonl</c>, <c>.ndjson</c> → JSON lines; anything else → text.</summary>
    public static ManifestFormat DetectFormat(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" => ManifestFormat.Csv,
        ".JSONL" or ".NDJSON" => ManifestFormat.JsonLines,
        _ => ManifestFormat.Text,
    };

    /// <inheritdoc/>
    public async IAsyncEnumerable<ImageRef> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = _open();
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            var records = Format switch
            {
                ManifestFormat.Csv => ReadCsvAsync(reader, cancellationToken),
                ManifestFormat.JsonLines => ReadJsonLinesAsync(reader, cancellationToken),
                _ => ReadTextAsync(reader, cancellationToken),
            };
            await foreach (var record in records.ConfigureAwait(false))
            {
                yield return record;
            }
        }
    }

    private async IAsyncEnumerable<ImageRef> ReadTextAsync(StreamReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var text = line.Trim();
            if (text.Length > 0 && !IsComment(text))
            {
                yield return ToImageRef(text, null);
            }
        }
    }

    private async IAsyncEnumerable<ImageRef> ReadCsvAsync(StreamReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<string> fields = [];
        CsvColumns? columns = null;
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var recordLine = lineNumber;
            if (!Split(line, fields, recordLine))
            {
                // A quoted field spans lines: gather them; only a line with a quote can close it.
                var record = new StringBuilder(line);
                var closed = false;
                while (!closed)
                {
                    var next = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                        ?? throw Malformed(recordLine, "a quoted field is never closed");
                    lineNumber++;
                    record.Append('\n').Append(next);
                    if (record.Length > MaxCsvRecordChars)
                    {
                        throw Malformed(recordLine, $"a quoted field runs past {MaxCsvRecordChars} characters (unbalanced quote?)");
                    }
                    closed = next.Contains('"', StringComparison.Ordinal) && Split(record.ToString(), fields, recordLine);
                }
            }

            if (columns is null)
            {
                columns = CsvColumns.FromHeader(fields) ?? throw Malformed(recordLine, "the header row has no 'uri' column");
                continue;
            }
            if (fields.Count != columns.Count)
            {
                throw Malformed(recordLine, $"{fields.Count} fields where the header has {columns.Count} (quote fields that contain commas)");
            }
            var uri = fields[columns.Uri].Trim();
            if (uri.Length == 0)
            {
                throw Malformed(recordLine, "the uri field is empty");
            }
            var contentId = ContentIdOf(CsvColumns.Field(fields, columns.ContentId), CsvColumns.Field(fields, columns.ETag), CsvColumns.Field(fields, columns.Sha256), recordLine);
            yield return ToImageRef(uri, contentId);
        }
    }

    private async IAsyncEnumerable<ImageRef> ReadJsonLinesAsync(StreamReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            string uri;
            string? contentId;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed(lineNumber, "not a JSON object");
                }
                uri = StringProperty(root, "uri", lineNumber)?.Trim() is { Length: > 0 } value
                    ? value
                    : throw Malformed(lineNumber, "no non-empty \"uri\" string");
                contentId = ContentIdOf(
                    StringProperty(root, "content_id", lineNumber),
                    StringProperty(root, "etag", lineNumber),
                    StringProperty(root, "sha256", lineNumber),
                    lineNumber);
            }
            catch (JsonException ex)
            {
                throw Malformed(lineNumber, "not valid JSON", ex);
            }
            yield return ToImageRef(uri, contentId);
        }
    }

    /// <summary>
    /// A text manifest's comment: <c>#</c> alone or followed by a space. <c>#1.jpg</c> is a file; a file whose name
    /// starts with <c>"# "</c> is listed as <c>./# name.jpg</c> or as a file URI (<c>%23%20name.jpg</c>).
    /// </summary>
    public static bool IsComment(string trimmedLine)
    {
        ArgumentNullException.ThrowIfNull(trimmedLine);
        return trimmedLine == "#" || trimmedLine.StartsWith("# ", StringComparison.Ordinal) || trimmedLine.StartsWith("#\t", StringComparison.Ordinal);
    }

    // A path with '..' is kept as written too: resolving it here would hide it from the URI policy.
    private ImageRef ToImageRef(string uri, string? contentId) =>
        !UriPolicy.HasTraversal(uri) && ImageUri.TryParse(uri, _blobEndpoints, _baseDirectory, out var image)
            ? new ImageRef(image.Value, contentId)
            : new ImageRef(uri, contentId);

    private bool Split(string text, List<string> fields, long lineNumber)
    {
        try
        {
            return CsvRecord.TrySplit(text, fields);
        }
        catch (FormatException ex)
        {
            throw Malformed(lineNumber, ex.Message, ex);
        }
    }

    // Preference: an explicit content_id, then an ETag, then a SHA-256; blanks count as absent.
    private string? ContentIdOf(string? contentId, string? etag, string? sha256, long lineNumber)
    {
        if (!string.IsNullOrWhiteSpace(contentId))
        {
            return contentId.Trim();
        }
        if (!string.IsNullOrWhiteSpace(etag))
        {
            return ContentIds.ForETag(etag);
        }
        if (string.IsNullOrWhiteSpace(sha256))
        {
            return null;
        }
        try
        {
            return ContentIds.FromSha256Hex(sha256);
        }
        catch (FormatException ex)
        {
            throw Malformed(lineNumber, ex.Message, ex);
        }
    }

    private string? StringProperty(JsonElement record, string name, long lineNumber) =>
        !record.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw Malformed(lineNumber, $"\"{name}\" must be a string"),
        };

    private ManifestFormatException Malformed(long lineNumber, string problem, Exception? inner = null) =>
        new(ManifestPath, lineNumber, problem, inner);

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
