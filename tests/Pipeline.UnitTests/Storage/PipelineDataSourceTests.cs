using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Storage;

public sealed class PipelineDataSourceTests
{
    [Fact]
    public async Task Constructor_TlsConnectionString_KeepsTheTlsSettingsAndHidesThePassword()
    {
        var options = new PostgresOptions
        {
            ConnectionString = "Host=db.example;Database=embeddings;Username=pipeline;Password=SECRETPASS;SSL Mode=VerifyFull;Root Certificate=/etc/pipeline/ca.pem",
        };

        await using var dataSource = new PipelineDataSource(Options.Create(options));
        var settings = new NpgsqlConnectionStringBuilder(dataSource.DataSource.ConnectionString);

        Assert.Equal(SslMode.VerifyFull, settings.SslMode);
        Assert.Equal("/etc/pipeline/ca.pem", settings.RootCertificate);
        Assert.DoesNotContain("SECRETPASS", dataSource.DataSource.ConnectionString, StringComparison.Ordinal);
    }
}
