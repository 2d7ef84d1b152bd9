namespace Pipeline.Common.Sources;

/// <summary>I/O seam: a streamed listing of images (folder, manifest, blob container).</summary>
public interface IImageSource
{
    /// <summary>Human-readable description stored on the job row, e.g. <c>folder:/data/photos</c>.</summary>
    string Description { get; }

    /// <summary>The source's images, streamed in listing order; an entry that cannot be an image URI comes back as an <see cref="ImageRef"/> with its failure.</summary>
    IAsyncEnumerable<ImageRef> EnumerateAsync(CancellationToken cancellationToken);
}
