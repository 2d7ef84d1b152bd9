namespace Pipeline.Common.Sources;

/// <summary>I/O seam: a streamed listing of images (folder, manifest, blob container).</summary>
public interface IImageSource
{
    /// <summary>Human-readable description stored on the job row, e.g. <c>folder:/data/photos</c>.</summary>
    string Description { get; }

    IAsyncEnumerable<ImageRef> EnumerateAsync(CancellationToken cancellationToken);
}
