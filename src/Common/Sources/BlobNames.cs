using System.Text;

namespace Pipeline.Common.Sources;

/// <summary>
/// Blob names in URLs, verbatim: the name's UTF-8 bytes are written as they are when RFC 3986 unreserved
/// (<c>A–Z a–z 0–9 - . _ ~</c>, as the Azure SDK writes them) and as <c>%XX</c> otherwise; a <c>/</c> of the name
/// stays <c>/</c> except next to an empty, <c>.</c> or <c>..</c> segment, where it is <c>%2F</c>. So
/// <c>/lead.jpg</c>, <c>dir/./x.jpg</c>, <c>dir/../y.jpg</c> and <c>a//b.jpg</c> keep their own URLs
/// (<c>%2Flead.jpg</c>, <c>dir%2F.%2Fx.jpg</c>, …), which no URL parser collapses, and the service decodes
/// back to the same name.
/// </summary>
public static class BlobNames
{
    /// <summary>The path-escaped form of a blob name.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds a lone surrogate.</exception>
    public static string Escape(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var segments = name.Split('/');
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(Collapsible(segments[i - 1]) || Collapsible(segments[i]) ? "%2F" : "/");
            }
            PercentEncoding.Append(builder, segments[i], PercentEncoding.IsUnreserved);
        }
        return builder.ToString();
    }

    /// <summary>
    /// The canonical URL of a blob: <paramref name="serviceUri"/> (host-style <c>https://acct.blob.core.windows.net/</c>
    /// or path-style <c>http://127.0.0.1:10000/devstoreaccount1</c>, query ignored), container, escaped name.
    /// </summary>
    public static string Format(Uri serviceUri, string containerName, string blobName)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        ArgumentException.ThrowIfNullOrEmpty(containerName);
        var root = serviceUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return $"{root}/{Uri.EscapeDataString(containerName)}/{Escape(blobName)}";
    }

    /// <summary>Decodes the escaped name that follows the container in a URL path (strict UTF-8).</summary>
    internal static bool TryUnescape(string escaped, out string? name, out string? problem) =>
        PercentEncoding.TryDecode(escaped, out name, out problem);

    // Segments a URL parser would drop or resolve.
    private static bool Collapsible(string segment) => segment is "" or "." or "..";
}
