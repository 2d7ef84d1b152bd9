using Npgsql;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The second real backbone from a fresh clone: the sample photos through `pipeline enqueue --model` to a ResNet18 worker
/// (NuGet's files, no Model:Path) and a MobileNetV2 worker side by side, each into its own table.
/// </summary>
public sealed class SecondBackboneJobTests
{
    [Fact]
    public async Task Enqueue_SamplesForResNet18AndMobileNetV2_FillTheirOwnTables()
    {
        var queuePrefix = "test." + Guid.NewGuid().ToString("N");
        var resnet = ServiceEndpoints.NewModelId("r18");
        var mobilenet = ServiceEndpoints.NewModelId("mnv2");
        var resnetWorker = ServiceEndpoints.ProcessEnvironment(resnet, queuePrefix);
        resnetWorker["PIPELINE_Model__Backbone"] = "resnet18";
        await using var first = WorkerProcess.Start(resnetWorker);
        await using var second = WorkerProcess.Start(ServiceEndpoints.ProcessEnvironment(mobilenet, queuePrefix));
        await first.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
        await second.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
        var cli = ServiceEndpoints.ProcessEnvironment("unused", queuePrefix);
        var images = Directory.GetFiles(RepoPaths.SampleImages).Count(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal));

        foreach (var model in new[] { resnet, mobilenet })
        {
            var (code, output) = await CliProcess.RunAsync(cli, TimeSpan.FromMinutes(5), "enqueue", "--folder", RepoPaths.SampleImages, "--model", model, "--wait");
            Assert.True(code == 0, output + first.Log + second.Log);
            Assert.Contains($"model {model}: images {images}, done {images}, failed 0", output, StringComparison.Ordinal);
        }

        await using var connection = new NpgsqlConnection(ServiceEndpoints.Postgres);
        await connection.OpenAsync();
        Assert.Equal((images, 512), await TableAsync(connection, resnet));
        Assert.Equal((images, 1280), await TableAsync(connection, mobilenet));
        Assert.Equal(
            "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f raw;short224;crop224;nchw",
            await ScalarAsync<string>(connection, "SELECT weights_sha256 || ' ' || preprocessing FROM models WHERE id = $1", resnet));
        foreach (var (query, expected) in new[] { ("motorcycle_left.png", "motorcycle_right.png"), ("motorcycle_right.png", "motorcycle_left.png") })
        {
            var nearest = await ScalarAsync<string>(
                connection,
                $"SELECT b.uri FROM embeddings_{resnet} a JOIN embeddings_{resnet} b ON b.uri <> a.uri WHERE a.uri = $1 ORDER BY a.embedding <=> b.embedding LIMIT 1",
                new Uri(RepoPaths.Sample(query)).AbsoluteUri);
            Assert.EndsWith("/" + expected, nearest, StringComparison.Ordinal);
        }
    }

    private static async Task<(long Rows, int Dims)> TableAsync(NpgsqlConnection connection, string model) => (
        await ScalarAsync<long>(connection, $"SELECT count(*) FROM embeddings_{model}"),
        await ScalarAsync<int>(connection, $"SELECT vector_dims(embedding) FROM embeddings_{model} LIMIT 1"));

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
