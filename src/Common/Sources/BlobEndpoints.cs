using Azure.Storage.Blobs;

namespace Pipeline.Common.Sources;

/// <summary>
/// Tells blob URLs from plain http(s) URLs: public-cloud account hosts (<c>*.blob.core.windows.net</c>) are
/// always blobs; any other host only when it matches an endpoint listed here (Azurite, custom domains).
/// </summary>
public sealed class BlobEndpoints
{
    private const string PublicCloudHostSuffix = ".blob.core.windows.net";

    /// <summary>Blob service endpoints besides <c>*.blob.core.windows.net</c> (Azurite, private endpoints).</summary>
    public BlobEndpoints(IEnumerable<BlobServiceEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = [.. endpoints];
    }

    /// <summary>No configured endpoint: only <c>*.blob.core.windows.net</c> hosts are blobs.</summary>
    public static BlobEndpoints PublicCloudOnly { get; } = new([]);

    /// <summary>The endpoints, each with its optional credential.</summary>
    public IReadOnlyList<BlobServiceEndpoint> Endpoints { get; }

    /// <summary>The endpoint a client talks to; any SAS on its URI is dropped.</summary>
    public static BlobEndpoints FromServiceClient(BlobServiceClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var serviceUri = WithoutQuery(client.Uri);
        var account = client.AccountName;
        if (string.IsNullOrEmpty(account))
        {
            // Custom domains hide the account from the SDK; path-style endpoints name it in the path.
            var rootSegments = Segments(serviceUri);
            account = rootSegments.Length > 0 ? rootSegments[0] : serviceUri.Host.Split('.')[0];
        }
        return new([new BlobServiceEndpoint(serviceUri, account)]);
    }

    /// <summary>The endpoint of a connection string (account key, SAS or <c>UseDevelopmentStorage=true</c>).</summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    public static BlobEndpoints FromConnectionString(string connectionString) =>
        FromServiceClient(new BlobServiceClient(connectionString));

    /// <summary>Whether two service roots are the same service (scheme, host, port and path; query ignored).</summary>
    public static bool SameService(Uri left, Uri right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return SameAuthority(left, right) && Segments(left).AsSpan().SequenceEqual(Segments(right));
    }

    /// <summary>
    /// True when <paramref name="uri"/> belongs to a blob service; <paramref name="location"/> is then null
    /// when the URL names no blob (no container, an empty or non-UTF-8 name).
    /// </summary>
    internal bool TryMatch(Uri uri, out BlobLocation? location) => TryMatch(uri, out location, out _);

    /// <summary>As <see cref="TryMatch(Uri, out BlobLocation?)"/>, with the reason a blob URL names no blob.</summary>
    /// <remarks>
    /// The name is everything after the container, percent-decoded, <c>%2F</c> included: <c>c/%2Flead.jpg</c> is the
    /// blob <c>/lead.jpg</c>. System.Uri has already removed literal dot segments, as RFC 3986 reads them.
    /// </remarks>
    internal bool TryMatch(Uri uri, out BlobLocation? location, out string? problem)
    {
        var segments = uri.AbsolutePath.Length <= 1 ? [] : uri.AbsolutePath[1..].Split('/');
        foreach (var endpoint in Endpoints)
        {
            var root = endpoint.ServiceUri;
            var rootSegments = Segments(root);
            if (SameAuthority(uri, root) && segments.AsSpan().StartsWith(rootSegments))
            {
                location = Locate(WithoutQuery(root), endpoint.AccountName, segments[rootSegments.Length..], out problem);
                return true;
            }
        }

        var host = uri.Host;
        if (host.Length > PublicCloudHostSuffix.Length && host.EndsWith(PublicCloudHostSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var root = new Uri($"{uri.Scheme}://{uri.Authority}/");
            location = Locate(root, host[..host.IndexOf('.', StringComparison.Ordinal)], segments, out problem);
            return true;
        }

        location = null;
        problem = null;
        return false;
    }

    private static BlobLocation? Locate(Uri serviceUri, string account, string[] segments, out string? problem)
    {
        if (segments.Length < 2 || segments[0].Length == 0)
        {
            problem = "blob URL without a container and blob name";
            return null;
        }
        if (!BlobNames.TryUnescape(string.Join('/', segments[1..]), out var blobName, out problem)
            || !BlobNames.TryUnescape(segments[0], out var container, out problem))
        {
            problem = "blob URL: " + problem;
            return null;
        }
        if (blobName!.Length == 0)
        {
            problem = "blob URL without a container and blob name";
            return null;
        }
        return new BlobLocation(serviceUri, account, container!, blobName);
    }

    private static bool SameAuthority(Uri left, Uri right) =>
        string.Equals(left.Scheme, right.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(left.Host, right.Host, StringComparison.OrdinalIgnoreCase)
        && left.Port == right.Port;

    // Non-empty path segments of a service root: [] for "https://h/", ["devstoreaccount1"] for path-style.
    private static string[] Segments(Uri root) =>
        root.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static Uri WithoutQuery(Uri uri) =>
        uri.Query.Length == 0 ? uri : new Uri(uri.GetLeftPart(UriPartial.Path));
}
