using Azure.Core;
using Azure.Storage.Blobs;

namespace Pipeline.Common.Sources;

/// <summary>Builds SDK clients from <see cref="BlobOptions"/>, so listing and fetching share one retry policy.</summary>
public static class BlobServiceClientFactory
{
    /// <summary>Client options from the <c>Blob</c> settings (retries, network timeout).</summary>
    public static BlobClientOptions CreateClientOptions(BlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = options.ServiceVersion is { } version ? new BlobClientOptions(version) : new BlobClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        return clientOptions;
    }

    /// <exception cref="InvalidOperationException"><see cref="BlobOptions.ConnectionString"/> is not set.</exception>
    public static BlobServiceClient Create(BlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException("Blob:ConnectionString is not set.");
        }
        return new BlobServiceClient(options.ConnectionString, CreateClientOptions(options));
    }
}
