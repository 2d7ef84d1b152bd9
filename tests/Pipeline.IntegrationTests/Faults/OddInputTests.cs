using System.Net;
using System.Net.Sockets;
using System.Text;
using Pipeline.Common;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.IntegrationTests.Sources;
using Pipeline.Scheduler.Enqueueing;
using RabbitMQ.Client;

namespace Pipeline.IntegrationTests.Faults;

/// <summary>
/// Inputs rebuilt from bug reports of photo indexers, dataset downloaders and crawlers: each odd item beside good
/// photos fails alone, with its reason, and never sinks its message — the good photos get vectors, the job
/// completes, the worker keeps running, and nothing is dead-lettered.
/// </summary>
public sealed class OddInputTests
{
    private const string Embedded = "embedded";

    [Fact]
    public async Task OddLocalFiles_InAFolder_EachFailsAloneAndTheJobCompletes()
    {
        var folder = Directory.CreateTempSubdirectory("odd-folder-").FullName;
        try
        {
            var expected = GoodPhotos(folder, "good");
            // Symbolic link loops and a dangling link, named like photos.
            File.CreateSymbolicLink(Path.Combine(folder, "loop-a.jpg"), "loop-b.jpg");
            File.CreateSymbolicLink(Path.Combine(folder, "loop-b.jpg"), "loop-a.jpg");
            File.CreateSymbolicLink(Path.Combine(folder, "self.jpg"), "self.jpg");
            File.CreateSymbolicLink(Path.Combine(folder, "dangling.jpg"), "nowhere.jpg");
            expected["loop-a.jpg"] = nameof(FailureReason.NotAFile);
            expected["loop-b.jpg"] = nameof(FailureReason.NotAFile);
            expected["self.jpg"] = nameof(FailureReason.NotAFile);
            expected["dangling.jpg"] = nameof(FailureReason.NotFound);
            // A named pipe nobody writes to: open(2) would block for ever.
            var (mkfifo, output) = await CommandRunner.RunAsync("mkfifo", TimeSpan.FromSeconds(30), Path.Combine(folder, "camera_stream.jpg"));
            Assert.True(mkfifo == 0, output);
            expected["camera_stream.jpg"] = nameof(FailureReason.NotAFile);
            // A listening Unix socket, and a link to a character device that would never end.
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(folder, "socket.jpg")));
            socket.Listen();
            expected["socket.jpg"] = nameof(FailureReason.NotAFile);
            File.CreateSymbolicLink(Path.Combine(folder, "zeros.jpg"), "/dev/zero");
            expected["zeros.jpg"] = nameof(FailureReason.NotAFile);
            // A real photo at a 3,400-byte path: past the index row limit, refused by the scheduler.
            // The stored failure keeps the URI's first 1,984 bytes: the marker is near the start.
            var deep = Path.Combine(folder, "deep-dir-" + new string('z', 240));
            for (var i = 0; i < 12; i++)
            {
                deep = Path.Combine(deep, new string((char)('a' + i), 250));
            }

            Directory.CreateDirectory(deep);
            var deepPhoto = Path.Combine(deep, "deep-photo-" + new string('p', 100) + ".jpg");
            File.Copy(RepoPaths.Sample("eagle.jpg"), deepPhoto);
            Assert.InRange(Encoding.UTF8.GetByteCount(deepPhoto), 3350, 3600);
            expected["deep-dir-"] = nameof(FailureReason.InvalidUri);

            await RunAndCheckAsync(new FolderImageSource(folder), expected, new Dictionary<string, string>());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task OddManifestLines_LocalAndHttp_EachFailsAloneAndTheJobCompletes()
    {
        var folder = Directory.CreateTempSubdirectory("odd-manifest-").FullName;
        try
        {
            var expected = GoodPhotos(folder, "listed");
            var lines = expected.Keys.Select(name => Path.Combine(folder, name)).ToList();
            // A last path component of 300 bytes (NAME_MAX is 255): ENAMETOOLONG.
            lines.Add(Path.Combine(folder, "long-name-" + new string('n', 290) + ".jpg"));
            expected["long-name-"] = nameof(FailureReason.InvalidUri);
            // A folder named like a photo.
            Directory.CreateDirectory(Path.Combine(folder, "folder-named.jpg"));
            lines.Add(Path.Combine(folder, "folder-named.jpg"));
            expected["folder-named.jpg"] = nameof(FailureReason.NotAFile);
            // A photo used as a folder: ENOTDIR.
            File.Copy(RepoPaths.Sample("dog.jpg"), Path.Combine(folder, "not-a-folder.jpg"));
            lines.Add(Path.Combine(folder, "not-a-folder.jpg", "child.jpg"));
            expected["child.jpg"] = nameof(FailureReason.NotFound);
            // A NUL byte inside a manifest line: no file has such a name, and Postgres text cannot hold it.
            lines.Add(Path.Combine(folder, "nul-in\0name.jpg"));
            expected["nul-in"] = nameof(FailureReason.InvalidUri);

            await using var server = new TestHttpServer((context, _) =>
            {
                var response = context.Response;
                var path = context.Request.Url!.AbsolutePath;
                response.StatusCode = (int)HttpStatusCode.Found;
                response.Headers["Location"] = path switch
                {
                    "/port-out-of-range.jpg" => "//127.0.0.1:99999/x.jpg",
                    "/triple-slash.jpg" => "///x.jpg",
                    "/space-in-host.jpg" => "//bad host/x.jpg",
                    "/to-ftp.jpg" => "ftp://127.0.0.1/x.jpg",
                    _ => "file:///etc/passwd",
                };
                response.Close();
                return Task.CompletedTask;
            });
            var remote = new Dictionary<string, string>
            {
                ["port-out-of-range.jpg"] = nameof(FailureReason.FetchFailed),
                ["triple-slash.jpg"] = nameof(FailureReason.FetchFailed),
                ["space-in-host.jpg"] = nameof(FailureReason.FetchFailed),
                ["to-ftp.jpg"] = nameof(FailureReason.Refused),
                ["to-file.jpg"] = nameof(FailureReason.Refused),
            };
            lines.AddRange(remote.Keys.Select(server.Url));
            // Longer than Postgres' b-tree row limit: refused by the scheduler, recorded (bounded) as a failure.
            lines.Add(server.Url("over-long-" + new string('u', 3000) + ".jpg"));
            remote["over-long-"] = nameof(FailureReason.InvalidUri);
            var manifest = Path.Combine(folder, "manifest.txt");
            await File.WriteAllLinesAsync(manifest, lines);

            await RunAndCheckAsync(new ManifestImageSource(manifest), expected, remote);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> GoodPhotos(string folder, string prefix)
    {
        var expected = new Dictionary<string, string>();
        foreach (var (sample, i) in new[] { "dog.jpg", "horses.jpg", "giraffe.jpg" }.Select((s, i) => (s, i)))
        {
            File.Copy(RepoPaths.Sample(sample), Path.Combine(folder, $"{prefix}-{i}.jpg"));
            expected[$"{prefix}-{i}.jpg"] = Embedded;
        }

        return expected;
    }

    /// <param name="expected">A marker that occurs in exactly one image's (unescaped) URI → its expected outcome.</param>
    private static async Task RunAndCheckAsync(IImageSource source, Dictionary<string, string> expected, Dictionary<string, string> remote)
    {
        var modelId = ServiceEndpoints.NewModelId("odd");
        var prefix = "test." + Guid.NewGuid().ToString("N");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, prefix);
        environment["PIPELINE_UriPolicy__AllowPrivateNetworks"] = "true";
        environment["PIPELINE_Fetch__HttpRetries"] = "0";
        environment["PIPELINE_RabbitMq__RetryBaseDelay"] = "00:00:00.200";
        environment["PIPELINE_Worker__InferenceBatchSize"] = "4";
        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var scheduler = await SchedulerHarness.StartAsync(environment);

        var job = await scheduler.Get<Enqueuer>().RunAsync(source, modelId, force: false, batchSize: 4, CancellationToken.None);
        var status = await JobWaiter.UntilCompleteAsync(scheduler.Get<JobStore>(), job.JobId, worker, TimeSpan.FromMinutes(3));

        var all = expected.Concat(remote).ToList();
        var outcomes = await OutcomesAsync(scheduler.Get<PipelineDataSource>(), ModelIdentity.TableFor(modelId), job.JobId);
        foreach (var (marker, outcome) in all)
        {
            var matches = outcomes.Where(o => Uri.UnescapeDataString(o.Uri).Contains(marker, StringComparison.Ordinal)).ToList();
            Assert.True(matches.Count == 1,
                $"{matches.Count} outcomes for '{marker}': {string.Join("; ", outcomes.Select(o => $"{o.Uri[..Math.Min(120, o.Uri.Length)]} {o.Reason}"))}");
            Assert.True(outcome == matches[0].Reason, $"{marker}: expected {outcome}, got {matches[0].Reason} ({matches[0].Message})");
            Assert.False(string.IsNullOrWhiteSpace(matches[0].Reason == Embedded ? "x" : matches[0].Message));
        }

        Assert.Equal(all.Count, status.Total);
        Assert.Equal(all.Count(kv => kv.Value == Embedded), status.Embedded);
        Assert.Equal(all.Count(kv => kv.Value != Embedded), status.Failed);
        Assert.False(worker.HasExited, worker.Log);

        // Nothing was taken for an outage: no retry, nothing dead-lettered.
        Assert.DoesNotContain("sent to " + prefix, worker.Log, StringComparison.Ordinal);
        var factory = new ConnectionFactory { Uri = new Uri(ServiceEndpoints.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var letters = new DeadLetters(new QueueTopology(new RabbitMqOptions { QueuePrefix = prefix }, modelId));
        Assert.Equal(0u, await channel.MessageCountAsync(letters.Dead));
        Assert.Equal(0u, await channel.MessageCountAsync(letters.Parked));
        Assert.Equal(0, await worker.StopAsync(TimeSpan.FromMinutes(1)));
    }

    private static async Task<List<(string Uri, string Reason, string Message)>> OutcomesAsync(PipelineDataSource data, string table, Guid jobId)
    {
        var result = new List<(string, string, string)>();
        await using var connection = await data.OpenAsync(CancellationToken.None);
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT uri, '{Embedded}', '' FROM {table} WHERE job_id = $1 UNION ALL SELECT uri, reason, message FROM failures WHERE job_id = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = jobId });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }
}
