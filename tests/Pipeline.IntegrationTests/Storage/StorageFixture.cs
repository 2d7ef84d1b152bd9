using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Storage;

/// <summary>A data source on the real Postgres with the schema in place.</summary>
public sealed class StorageFixture : IAsyncLifetime
{
    public PipelineDataSource DataSource { get; } =
        new(Options.Create(new PostgresOptions { ConnectionString = ServiceEndpoints.Postgres }));

    public Task InitializeAsync() => SchemaMigrator.EnsureAsync(DataSource, CancellationToken.None);

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await DataSource.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}
