using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class UriPolicyOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddImageFetching(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void Validate_Defaults_AreValidAndRefusePrivateNetworks()
    {
        var options = new UriPolicyOptions();

        Assert.True(new UriPolicyOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.AllowPrivateNetworks);
        Assert.Empty(options.AllowedFileRoots);
    }

    [Theory]
    [InlineData("AllowedSchemes:0", "ftp")]
    [InlineData("AllowedHosts:0", "*")]
    [InlineData("AllowedHosts:0", "http://example.com")]
    [InlineData("AllowedHosts:0", "exa mple.com")]
    [InlineData("AllowedHosts:0", "a.*.example.com")]
    [InlineData("AllowedBlobAccounts:0", "Bad_Account")]
    [InlineData("AllowedBlobAccounts:0", "ab")]
    [InlineData("AllowedFileRoots:0", "relative/root")]
    public void Validate_InvalidSetting_FailsAtStartUp(string key, string value)
    {
        using var provider = Services(new() { ["UriPolicy:" + key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<UriPolicyOptions>>().Value);

        Assert.Contains("UriPolicy:" + key.Split(':')[0], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddImageFetching_PolicySection_IsBoundWithTheConfiguredBlobEndpoint()
    {
        using var provider = Services(new()
        {
            ["UriPolicy:AllowedHosts:0"] = "*.example.com",
            ["UriPolicy:AllowedHosts:1"] = "[2606:4700::1]",
            ["UriPolicy:AllowedBlobAccounts:0"] = "photos",
            ["UriPolicy:AllowedFileRoots:0"] = "/data",
            ["UriPolicy:AllowPrivateNetworks"] = "true",
            ["Blob:ConnectionString"] = "UseDevelopmentStorage=true",
        });

        var policy = provider.GetRequiredService<UriPolicy>();

        Assert.True(policy.AllowPrivateNetworks);
        Assert.True(policy.RestrictsFileRoots);
        Assert.Same(provider.GetRequiredService<BlobEndpoints>(), policy.BlobEndpoints);
        Assert.Equal(ImageUriKind.Blob, policy.Check("http://127.0.0.1:10000/devstoreaccount1/c/a.jpg").Kind);
        Assert.Equal(FailureReason.Refused, Assert.Throws<ImageFailureException>(() => policy.Check("https://other.org/a.jpg")).Reason);
    }
}
