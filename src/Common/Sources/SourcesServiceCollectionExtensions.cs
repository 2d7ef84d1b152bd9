using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>Registers the fetchers with options bound from the <c>Fetch</c> and <c>Blob</c> sections.</summary>
public static class SourcesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IImageFetcher"/> (an <see cref="ImageFetcher"/>), the three concrete fetchers,
    /// <see cref="BlobEndpoints"/> (for parsing manifests the way workers will) and validated options.
    /// </summary>
    public static IServiceCollection AddImageFetching(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLogging();
        services.AddOptions<FetchOptions>().Bind(configuration.GetSection(FetchOptions.SectionName)).ValidateOnStart();
        services.AddOptions<BlobOptions>().Bind(configuration.GetSection(BlobOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FetchOptions>, FetchOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobOptions>, BlobOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FileImageFetcher>();
        services.TryAddSingleton<BlobImageFetcher>();
        services.TryAddSingleton<HttpImageFetcher>();
        services.TryAddSingleton(provider => provider.GetRequiredService<BlobImageFetcher>().Endpoints);
        services.TryAddSingleton<IImageFetcher>(provider => new ImageFetcher(
            provider.GetRequiredService<FileImageFetcher>(),
            provider.GetRequiredService<BlobImageFetcher>(),
            provider.GetRequiredService<HttpImageFetcher>(),
            provider.GetRequiredService<BlobImageFetcher>().Endpoints));
        return services;
    }
}
