namespace Pipeline.Common.Storage;

using Npgsql;
using Pgvector;

/// <summary>Top-k cosine nearest neighbours through plain SQL (uses the HNSW index when present).</summary>
public static class NeighbourSearch
{
    public static async Task<IReadOnlyList<Neighbour>> SearchAsync(
        PipelineDataSource dataSource, ModelIdentity model, float[] query, int top, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT uri, embedding <=> $1 AS distance FROM {model.Table} ORDER BY embedding <=> $1 LIMIT $2", connection);
        if (model.ColumnType == "halfvec")
        {
            command.Parameters.Add(new NpgsqlParameter<HalfVector> { TypedValue = new HalfVector(query.Select(v => (Half)v).ToArray()) });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(query) });
        }

        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = top });
        var result = new List<Neighbour>(top);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new Neighbour(reader.GetString(0), reader.GetDouble(1)));
        }

        return result;
    }
}
