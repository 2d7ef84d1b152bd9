using System.Runtime.CompilerServices;
using Npgsql;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Export;

/// <summary>
/// A model's rows streamed with binary <c>COPY (SELECT …) TO STDOUT</c>, in id order: nothing is buffered beyond the row
/// being read, so memory does not grow with the table.
/// </summary>
internal sealed class EmbeddingRows(PipelineDataSource dataSource)
{
    public async Task<long> CountAsync(ModelIdentity model, ExportFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {model.Table} {filter.Sql()}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async IAsyncEnumerable<ExportRow> ReadAsync(
        ModelIdentity model, ExportFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        // real[] for vector and halfvec alike: a halfvec's float16 values are exact in float32.
        await using var copy = await connection.BeginBinaryExportAsync(
            $"COPY (SELECT uri, content_id, job_id, created_at, embedding::real[] FROM {model.Table} {filter.Sql()} ORDER BY id) TO STDOUT (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        while (await copy.StartRowAsync(cancellationToken).ConfigureAwait(false) != -1)
        {
            var uri = await copy.ReadAsync<string>(cancellationToken).ConfigureAwait(false);
            var contentId = await copy.ReadAsync<string>(cancellationToken).ConfigureAwait(false);
            var jobId = await copy.ReadAsync<Guid>(cancellationToken).ConfigureAwait(false);
            var createdAt = await copy.ReadAsync<DateTime>(cancellationToken).ConfigureAwait(false);
            var embedding = await copy.ReadAsync<float[]>(cancellationToken).ConfigureAwait(false);
            if (embedding.Length != model.Dims)
            {
                throw new InvalidDataException($"row '{uri}' has {embedding.Length} dimensions, the model {model.Dims}");
            }

            yield return new ExportRow(uri, contentId, jobId, createdAt, embedding);
        }
    }
}
