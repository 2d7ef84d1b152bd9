using Microsoft.Extensions.Options;
using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>The process-wide Npgsql data source with pgvector types mapped.</summary>
public sealed class PipelineDataSource : IAsyncDisposable
{
    /// <summary>The Npgsql data source of the <c>Postgres</c> settings, with pgvector's types mapped.</summary>
    public PipelineDataSource(IOptions<PostgresOptions> options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.Value.ConnectionString);
        builder.UseVector();
        DataSource = builder.Build();
    }

    /// <summary>The underlying Npgsql data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>An open connection from the pool.</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Closes the pool.</summary>
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
