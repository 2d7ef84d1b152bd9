using Azure;
using Azure.Storage.Blobs;
using Pipeline.Common.Sources;

namespace Pipeline.IntegrationTests.Sources;

/// <summary>
/// A real blob service (Azurite by default) and a fresh, uniquely named container, deleted afterwards.
/// Fails every test of the class, loudly, when the service is not running.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "PIPELINE_Blob__ConnectionString";
    public const string ServiceVersionVariable = "PIPELINE_Blob__ServiceVersion";

    private BlobContainerClient? _container;

    /// <summary>From <c>PIPELINE_Blob__ConnectionString</c>, else Azurite on 127.0.0.1:10000.</summary>
    public string ConnectionString { get; } =
        Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : "UseDevelopmentStorage=true";

    public BlobServiceClient Service { get; private set; } = null!;

    public BlobContainerClient Container => _container ?? throw new InvalidOperationException("not initialised");

    public BlobEndpoints Endpoints => BlobEndpoints.FromServiceClient(Service);

    /// <summary>Options for code under test: few, short retries so failures show fast.</summary>
    public BlobOptions Options(Action<BlobOptions>? configure = null)
    {
        var options = new BlobOptions
        {
            ConnectionString = ConnectionString,
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            NetworkTimeout = TimeSpan.FromSeconds(10),
            // e.g. V2025_11_05 for an Azurite started without --skipApiVersionCheck.
            ServiceVersion = Environment.GetEnvironmentVariable(ServiceVersionVariable) is { Length: > 0 } version
                ? Enum.Parse<BlobClientOptions.ServiceVersion>(version)
                : null,
        };
        configure?.Invoke(options);
        return options;
    }

    public async Task InitializeAsync()
    {
        try
        {
            Service = BlobServiceClientFactory.Create(Options(o => o.MaxRetries = 0));
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{ConnectionStringVariable} is not a valid Azure Storage connection string.", ex);
        }
        var endpoint = Service.Uri.GetLeftPart(UriPartial.Path); // never the connection string: it holds the key
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await Service.GetPropertiesAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"The blob service at {endpoint} is not reachable ({ex.GetType().Name}: {FirstLine(ex.Message)}). "
                + $"Start the local services with `scripts/services.sh up` (Azurite on 127.0.0.1:10000), "
                + $"or set {ConnectionStringVariable} to a reachable storage account.",
                ex);
        }
        _container = Service.GetBlobContainerClient($"sources-{Guid.NewGuid():N}");
        await _container.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DeleteIfExistsAsync();
        }
    }

    /// <summary>Uploads blobs in parallel; returns the ETag of each, by name.</summary>
    public async Task<Dictionary<string, ETag>> UploadAsync(IEnumerable<(string Name, byte[] Content)> blobs)
    {
        var uploads = blobs.Select(async blob =>
        {
            var response = await Container.GetBlobClient(blob.Name).UploadAsync(BinaryData.FromBytes(blob.Content), overwrite: true);
            return (blob.Name, response.Value.ETag);
        });
        return (await Task.WhenAll(uploads)).ToDictionary(pair => pair.Name, pair => pair.ETag);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
