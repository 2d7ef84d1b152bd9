using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Pipeline.Common.Sources;

/// <summary>
/// The credential in an Azure Storage connection string, so a blob client can be built from a blob's exact URL.
/// The SDK's <c>GetBlobClient(name)</c> rebuilds the URL through System.Uri, which drops a leading <c>/</c> and
/// resolves <c>.</c>/<c>..</c> segments (another blob is read); the SDK does not expose the credential of a
/// client made from a connection string, hence this reading of the documented keys.
/// </summary>
internal static class BlobCredentials
{
    // Azurite's and the Storage Emulator's published development account (not a secret).
    private const string DevelopmentAccount = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>
    /// A client for <paramref name="blobUri"/>, its path kept as given, with the connection string's credential.
    /// Of the query only <c>snapshot</c> and <c>versionid</c> are kept: a SAS in the URL gives way to our credential.
    /// </summary>
    public static BlobClient CreateClient(string connectionString, Uri blobUri, BlobClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(blobUri);
        var settings = Parse(connectionString);
        blobUri = WithVersionQueryOnly(blobUri);
        if (settings.TryGetValue("UseDevelopmentStorage", out var development) && bool.TryParse(development, out var isDevelopment) && isDevelopment)
        {
            return new BlobClient(blobUri, new StorageSharedKeyCredential(DevelopmentAccount, DevelopmentKey), options);
        }
        if (settings.TryGetValue("AccountName", out var account) && settings.TryGetValue("AccountKey", out var key))
        {
            return new BlobClient(blobUri, new StorageSharedKeyCredential(account, key), options);
        }
        if (settings.TryGetValue("SharedAccessSignature", out var sas))
        {
            return new BlobClient(blobUri, new AzureSasCredential(sas), options);
        }
        return new BlobClient(blobUri, options);
    }

    private static Uri WithVersionQueryOnly(Uri uri)
    {
        if (uri.Query.Length == 0)
        {
            return uri;
        }
        var kept = uri.Query[1..].Split('&').Where(p =>
            p.StartsWith("snapshot=", StringComparison.OrdinalIgnoreCase) || p.StartsWith("versionid=", StringComparison.OrdinalIgnoreCase));
        var query = string.Join('&', kept);
        return new Uri(uri.GetLeftPart(UriPartial.Path) + (query.Length == 0 ? "" : "?" + query));
    }

    private static Dictionary<string, string> Parse(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
            }
        }
        return settings;
    }
}
