using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>Looks up which URIs are already embedded and under which content identity (incremental runs).</summary>
public static class StoredContent
{
    /// <returns>uri → content identity, for the URIs that have a row; empty when the model has no table yet.</returns>
    public static async Task<Dictionary<string, string>> GetAsync(
        PipelineDataSource dataSource, string modelId, IReadOnlyCollection<string> uris, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (uris.Count == 0)
        {
            return result;
        }

        var table = ModelIdentity.TableFor(modelId);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return result;
            }
        }

        await using var command = new NpgsqlCommand($"SELECT uri, content_id FROM {table} WHERE uri = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. uris] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }
}
