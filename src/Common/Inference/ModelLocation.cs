namespace Pipeline.Common.Inference;

/// <summary>Where a model file lives: a local path, or an http(s) URL (plain web server or Azure Blob).</summary>
/// <param name="LocalPathOrUrl">The full local path, or the absolute URL as given (a SAS query included).</param>
/// <param name="Url">The URL when the file is remote; null for a local path.</param>
public sealed record ModelLocation(string LocalPathOrUrl, Uri? Url)
{
    /// <summary>Whether the model is downloaded (an http(s) or blob URL) rather than read from a local path.</summary>
    public bool IsRemote => Url is not null;

    /// <summary>The URL without its query (SAS tokens are secrets), for logs and messages.</summary>
    public string Redacted => Url is null ? LocalPathOrUrl : Url.GetLeftPart(UriPartial.Path);

    /// <exception cref="ArgumentException">A URL whose scheme is neither http, https nor file.</exception>
    public static ModelLocation Parse(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (Validate(value) is { } problem)
        {
            throw new ArgumentException(problem, nameof(value));
        }

        if (!value.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return new ModelLocation(Path.GetFullPath(value), null);
        }

        return uri.IsFile ? new ModelLocation(uri.LocalPath, null) : new ModelLocation(value, uri);
    }

    /// <summary>Why <paramref name="value"/> cannot name a model file, or null when it can.</summary>
    public static string? Validate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return $"'{value}' is not a valid URL.";
        }

        return uri.Scheme is "http" or "https" or "file"
            ? null
            : $"Model URL scheme '{uri.Scheme}' is not supported: use a local path, https:// (plain web or Azure Blob) or file://.";
    }
}
