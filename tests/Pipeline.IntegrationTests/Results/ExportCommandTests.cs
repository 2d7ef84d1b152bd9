using DuckDB.NET.Data;
using Npgsql;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Results;

/// <summary>Exports read back by independent readers: DuckDB for Parquet, the .npy header and bytes by hand.</summary>
[Collection(ResultsGroup.Name)]
public sealed class ExportCommandTests(ResultsFixture fixture)
{
    [Fact]
    public async Task Export_Parquet_DuckDbReadsTheSameRowsVectorsAndProvenance()
    {
        var path = Path.Combine(fixture.Folder, "..", $"export-{Guid.NewGuid():N}.parquet");
        var (code, output) = await CliProcess.RunAsync(
            fixture.Environment, TimeSpan.FromMinutes(2), "export", fixture.ModelId, "--format", "parquet", "--out", path, "--job", fixture.Job.JobId.ToString());
        Assert.True(code == 0, output);
        try
        {
            var stored = await StoredAsync();
            using var duck = new DuckDBConnection("DataSource=:memory:");
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT uri, content_id, job_id::VARCHAR, embedding FROM read_parquet('{path}')";
            var read = new Dictionary<string, float[]>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    Assert.Equal(fixture.Job.JobId.ToString(), reader.GetString(2));
                    Assert.False(string.IsNullOrEmpty(reader.GetString(1)));
                    read[reader.GetString(0)] = [.. reader.GetFieldValue<List<float>>(3)];
                }
            }

            Assert.Equal(stored.Keys.Order(), read.Keys.Order());
            foreach (var (uri, vector) in stored)
            {
                Assert.Equal(vector, read[uri]);
            }

            command.CommandText = $"SELECT decode(value) FROM parquet_kv_metadata('{path}') WHERE decode(key) = 'pipeline.weights_sha256'";
            var sha = command.ExecuteScalar();
            Assert.Equal(64, ((string)sha!).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Export_Npy_HeaderShapeAndRowsMatchTheTable()
    {
        var path = Path.Combine(fixture.Folder, "..", $"export-{Guid.NewGuid():N}.npy");
        var (code, output) = await CliProcess.RunAsync(fixture.Environment, TimeSpan.FromMinutes(2), "export", fixture.ModelId, "--format", "npy", "--out", path);
        Assert.True(code == 0, output);
        try
        {
            var stored = await StoredAsync();
            var bytes = await File.ReadAllBytesAsync(path);
            var header = System.Text.Encoding.ASCII.GetString(bytes, 10, 118);
            Assert.Contains($"'shape': ({stored.Count}, 1280)", header, StringComparison.Ordinal);
            var uris = await File.ReadAllLinesAsync(path + ".uris.txt");
            Assert.Equal(stored.Count, uris.Length);
            for (var i = 0; i < uris.Length; i++)
            {
                var row = new float[1280];
                Buffer.BlockCopy(bytes, 128 + (i * 1280 * 4), row, 0, 1280 * 4);
                Assert.Equal(stored[uris[i]], row);
            }

            Assert.Contains("pipeline.weights_sha256", await File.ReadAllTextAsync(path + ".meta.json"), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var file in new[] { path, path + ".uris.txt", path + ".meta.json" })
            {
                File.Delete(file);
            }
        }
    }

    private async Task<Dictionary<string, float[]>> StoredAsync()
    {
        await using var connection = await fixture.Scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"SELECT uri, embedding::real[] FROM {ModelIdentity.TableFor(fixture.ModelId)}", connection);
        var rows = new Dictionary<string, float[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetFieldValue<float[]>(1);
        }

        return rows;
    }
}
