using System.ComponentModel.DataAnnotations;

namespace Pipeline.Scheduler.Serving;

/// <summary>Settings of <c>pipeline serve</c> (section <c>Serve</c>, variables <c>PIPELINE_Serve__*</c>).</summary>
internal sealed class ServeOptions : IValidatableObject
{
    public const string SectionName = "Serve";

    /// <summary>Listen address. Default 127.0.0.1: the page is reachable only from this machine unless set (<c>0.0.0.0</c>, <c>*</c>).</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Listen port; 0 picks a free one (printed at start). Default 8080.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>
    /// When set, every request but <c>/healthz</c> and <c>/readyz</c> needs <c>Authorization: Bearer …</c> or the cookie the
    /// login form sets. A secret: give it as <c>PIPELINE_Serve__BearerToken</c> or <c>PIPELINE_Serve__BearerToken_FILE</c>.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>Largest uploaded query image, in bytes (default 20 MiB); larger requests get 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxUploadBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>ONNX Runtime sessions of the configured model kept for uploaded queries (default 1; each holds the model once).</summary>
    [Range(1, 16)]
    public int Sessions { get; set; } = 1;

    /// <summary>Longest side of a thumbnail, in pixels (default 192).</summary>
    [Range(16, 1024)]
    public int ThumbnailSize { get; set; } = 192;

    /// <summary>Bytes of encoded thumbnails kept in memory (default 64 MiB).</summary>
    [Range(1024, 1L << 34)]
    public long ThumbnailCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Thumbnails fetched at once (default 8); each fetch goes through the worker's fetchers and URI policy.</summary>
    [Range(1, 256)]
    public int ThumbnailConcurrency { get; set; } = 8;

    /// <summary>Largest k a search may ask for (default 200).</summary>
    [Range(1, 1000)]
    public int MaxK { get; set; } = 200;

    /// <summary>
    /// Offers the jobs page's retry action (<c>POST /api/jobs/{id}/retry</c>, as <c>pipeline retry</c>). Default off, so a
    /// read-only database role is enough to serve; turn on only with a role that may write <c>failures</c> and <c>jobs</c>
    /// and with the broker reachable. Guarded by <see cref="BearerToken"/> when set.
    /// </summary>
    public bool AllowRetry { get; set; }

    /// <summary>The listen address must be one Kestrel can bind, run by <see cref="ServeOptionsValidator"/>.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ServingServiceCollectionExtensions.ListenAddress(Host) is null)
        {
            yield return new ValidationResult($"'{Host}' must be an IP address, 'localhost' or '*'.", [nameof(Host)]);
        }
    }
}
