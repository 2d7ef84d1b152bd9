namespace Pipeline.Common.Storage;

using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector.Npgsql;

/// <summary>The process-wide Npgsql data source with pgvector types mapped.</summary>
public sealed class PipelineDataSource : IAsyncDisposable
{
    public PipelineDataSource(IOptions<PostgresOptions> options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.Value.ConnectionString);
        builder.UseVector();
        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
