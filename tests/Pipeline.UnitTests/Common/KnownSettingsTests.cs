using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Common;

public sealed class KnownSettingsTests
{
    [Fact]
    public void Validate_MisspeltSetting_IsRefusedWithTheVariableAndTheNearestSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => Resolve<ModelOptions>(ModelOptions.SectionName, ("Model:Poolling", "Max")));

        var message = Assert.Single(error.Failures);
        Assert.Contains("Model:Poolling (PIPELINE_Model__Poolling) is not a setting", message, StringComparison.Ordinal);
        Assert.Contains("did you mean Model:Pooling?", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=55432;Username=pipeline;Password SeCr3tPW;Database=pipeline")]
    [InlineData("Host=127.0.0.1;Port=abc;Password=SeCr3tPW")]
    [InlineData("this is not;a=connection string;Password=SeCr3tPW")]
    public void Validate_MalformedConnectionString_IsRefusedWithoutShowingIt(string connectionString)
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => ResolvePostgres(connectionString));

        var message = Assert.Single(error.Failures);
        Assert.Contains("ConnectionString", message, StringComparison.Ordinal);
        Assert.Contains("Not a valid Npgsql connection string", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secr3tpw", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Validate_WellFormedConnectionString_IsAccepted() =>
        Assert.Equal(
            "Host=db;Password=x;SSL Mode=VerifyFull",
            ResolvePostgres("Host=db;Password=x;SSL Mode=VerifyFull").ConnectionString);

    [Fact]
    public void Validate_UnrelatedUnknownSetting_IsRefusedListingTheSettings()
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => Resolve<PostgresOptions>(PostgresOptions.SectionName, ("Postgres:Database", "x"), ("Postgres:ConnectionString", "Host=db")));

        var message = Assert.Single(error.Failures);
        Assert.DoesNotContain("did you mean", message, StringComparison.Ordinal);
        Assert.Contains("the Postgres settings are ConnectionString, OutageTolerance", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryUnknownKey_IsReported()
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => Resolve<ModelOptions>(ModelOptions.SectionName, ("Model:Poolling", "Max"), ("Model:Backbon", "resnet50"), ("Model:Id", "mobilenetv2")));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("did you mean Model:Backbone?", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KnownSettingsInAnyCaseSecretFileKeysAndListItems_Pass()
    {
        var model = Resolve<ModelOptions>(ModelOptions.SectionName, ("Model:pooling", "Max"), ("Model:Sha256_FILE", "/run/secrets/sha"));
        var policy = Resolve<UriPolicyOptions>(
            UriPolicyOptions.SectionName, ("UriPolicy:AllowedHosts:0", "images.example.com"), ("UriPolicy:AllowedHosts:1", "*.example.org"));

        Assert.Equal(PoolingMode.Max, model.Pooling);
        Assert.Equal(["images.example.com", "*.example.org"], policy.AllowedHosts);
    }

    [Fact]
    public void Validate_FileSuffixOnAnUnknownName_IsRefused() =>
        Assert.Throws<OptionsValidationException>(() => Resolve<PostgresOptions>(PostgresOptions.SectionName, ("Postgres:Passwrd_FILE", "/run/x")));

    // Through the start-up validator, as the programs register it.
    private static PostgresOptions ResolvePostgres(string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("Postgres:ConnectionString", (string?)connectionString)])
            .Build();
        var services = new ServiceCollection();
        services.AddValidatedOptions<PostgresOptions, PostgresOptionsValidator>(configuration, PostgresOptions.SectionName);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PostgresOptions>>().Value;
    }

    private static T Resolve<T>(string section, params (string Key, string Value)[] settings)
        where T : class
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddOptions<T>().BindKnown(configuration.GetSection(section));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
