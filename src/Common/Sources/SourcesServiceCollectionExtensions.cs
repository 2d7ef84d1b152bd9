using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>Registers the fetchers with options bound from the <c>Fetch</c>, <c>Blob</c> and <c>UriPolicy</c> sections.</summary>
public static class SourcesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IImageFetcher"/> (an <see cref="ImageFetcher"/>), the three concrete fetchers,
    /// <see cref="BlobEndpoints"/> (for parsing manifests the way workers will), the <see cref="UriPolicy"/>
    /// and validated options.
    /// </summary>
    public static IServiceCollection AddImageFetching(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLogging();
        services.AddValidatedOptions<FetchOptions, FetchOptionsValidator>(configuration, FetchOptions.SectionName);
        services.AddValidatedOptions<BlobOptions, BlobOptionsValidator>(configuration, BlobOptions.SectionName);
        services.AddValidatedOptions<UriPolicyOptions, UriPolicyOptionsValidator>(configuration, UriPolicyOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        // From the connection string, as BlobImageFetcher derives its own: the policy needs them before any fetcher exists.
        services.TryAddSingleton(provider => EndpointsOf(provider.GetRequiredService<IOptions<BlobOptions>>().Value));
        services.TryAddSingleton(provider => new UriPolicy(
            provider.GetRequiredService<IOptions<UriPolicyOptions>>().Value, provider.GetRequiredService<BlobEndpoints>()));
        services.TryAddSingleton<FileImageFetcher>();
        services.TryAddSingleton<BlobImageFetcher>();
        services.TryAddSingleton<HttpImageFetcher>();
        services.TryAddSingleton<IImageFetcher>(provider => new ImageFetcher(
            provider.GetRequiredService<FileImageFetcher>(),
            provider.GetRequiredService<BlobImageFetcher>(),
            provider.GetRequiredService<HttpImageFetcher>(),
            provider.GetRequiredService<UriPolicy>()));
        return services;
    }

    private static BlobEndpoints EndpointsOf(BlobOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? BlobEndpoints.PublicCloudOnly
            : BlobEndpoints.FromConnectionString(options.ConnectionString);
}
