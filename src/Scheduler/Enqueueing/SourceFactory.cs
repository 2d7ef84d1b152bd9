using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;

namespace Pipeline.Scheduler.Enqueueing;

/// <summary>Turns the enqueue flags into a streamed image source.</summary>
internal sealed class SourceFactory(IOptions<BlobOptions> blobOptions, BlobEndpoints blobEndpoints, ILogger<FolderImageSource> folderLogger)
{
    public IImageSource Create(string? folder, string? manifest, string? container, string? prefix)
    {
        if (folder is not null)
        {
            return new FolderImageSource(folder, folderLogger);
        }

        if (manifest is not null)
        {
            // Same endpoints as the workers, so a manifest's blob URLs are classified the way they will be fetched.
            return new ManifestImageSource(manifest, blobEndpoints: blobEndpoints);
        }

        ArgumentNullException.ThrowIfNull(container);
        if (string.IsNullOrEmpty(blobOptions.Value.ConnectionString))
        {
            throw new InvalidOperationException("--container needs PIPELINE_Blob__ConnectionString");
        }

        var service = BlobServiceClientFactory.Create(blobOptions.Value);
        return new BlobContainerImageSource(service.GetBlobContainerClient(container), prefix);
    }
}
