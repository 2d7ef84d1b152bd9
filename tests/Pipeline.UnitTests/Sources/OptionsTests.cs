using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class OptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var fetch = new FetchOptions();

        Assert.True(new FetchOptionsValidator().Validate(null, fetch).Succeeded);
        Assert.True(new BlobOptionsValidator().Validate(null, new BlobOptions()).Succeeded);
        Assert.Equal(50L * 1024 * 1024, fetch.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), fetch.HttpTimeout);
        Assert.Equal(5, fetch.HttpMaxRedirects);
    }

    [Theory]
    [InlineData("MaxBytes", "0")]
    [InlineData("MaxBytes", "4000000000")]
    [InlineData("HttpTimeout", "00:00:00")]
    [InlineData("HttpTimeout", "-00:00:01")]
    [InlineData("HttpRetries", "-1")]
    [InlineData("HttpRetries", "11")]
    [InlineData("HttpRetryDelay", "-00:00:01")]
    [InlineData("HttpMaxRetryDelay", "00:00:00.1")]
    [InlineData("HttpMaxRedirects", "-1")]
    public void Validate_InvalidFetchSettings_FailNamingTheSetting(string key, string value)
    {
        using var provider = Services(new() { ["Fetch:" + key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FetchOptions>>().Value);

        Assert.Contains("Fetch:" + key.Split(':')[0], ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxRetries", "-1")]
    [InlineData("RetryDelay", "-00:00:01")]
    [InlineData("MaxRetryDelay", "00:00:00.1")]
    [InlineData("NetworkTimeout", "00:00:00")]
    public void Validate_InvalidBlobSettings_Fail(string key, string value)
    {
        using var provider = Services(new() { ["Blob:" + key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BlobOptions>>().Value);
    }

    [Fact]
    public void Validate_MalformedConnectionString_FailsWithoutEchoingIt()
    {
        using var provider = Services(new() { ["Blob:ConnectionString"] = "AccountName=x;AccountKey=SECRETKEY;garbage" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BlobOptions>>().Value);

        Assert.DoesNotContain("SECRETKEY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Blob:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddImageFetching_Sections_AreBoundAndTheDispatcherWired()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.jpg", [1, 2, 3, 4]);
        using var provider = Services(new()
        {
            ["Fetch:MaxBytes"] = "3",
            ["Fetch:HttpTimeout"] = "00:00:05",
            ["Blob:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Blob:ServiceVersion"] = "V2021_12_02",
        });

        var fetch = provider.GetRequiredService<IOptions<FetchOptions>>().Value;
        var blob = provider.GetRequiredService<IOptions<BlobOptions>>().Value;
        var endpoint = Assert.Single(provider.GetRequiredService<BlobEndpoints>().Endpoints);
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            provider.GetRequiredService<IImageFetcher>().FetchAsync(path, CancellationToken.None).AsTask());

        Assert.Equal(TimeSpan.FromSeconds(5), fetch.HttpTimeout);
        Assert.Equal(Azure.Storage.Blobs.BlobClientOptions.ServiceVersion.V2021_12_02, blob.ServiceVersion);
        Assert.Equal("devstoreaccount1", endpoint.AccountName);
        Assert.Equal(10000, endpoint.ServiceUri.Port);
        Assert.Equal(FailureReason.TooLarge, ex.Reason);
        Assert.IsType<ImageFetcher>(provider.GetRequiredService<IImageFetcher>());
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddImageFetching(configuration).BuildServiceProvider();
    }
}
