using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenCvSharp;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.Results;

/// <summary>
/// One real worker on a fresh model, one folder job over the sample photos (without motorcycle_left.png, the query of
/// the browser test), generated near-duplicates of four of them and three unreadable files; then <c>pipeline serve</c>
/// as a process, with a bearer token, on a free port.
/// </summary>
public sealed class ResultsFixture : IAsyncLifetime
{
    public const string Token = "serve-test-token-7f3a";

    /// <summary>Planted near-duplicates: generated file → the sample photo it comes from.</summary>
    public static readonly IReadOnlyDictionary<string, string> Planted = new Dictionary<string, string>
    {
        ["dog_crop.jpg"] = "dog.jpg",          // centre crop, 85 % of each side
        ["giraffe_half.jpg"] = "giraffe.jpg",  // rescaled to half size
        ["scream_q25.jpg"] = "scream.jpg",     // re-encoded at JPEG quality 25
        ["eagle_crop_small.jpg"] = "eagle.jpg", // crop 90 %, then 60 % size, quality 70
    };

    private WorkerProcess _worker = null!;

    public string ModelId { get; } = ServiceEndpoints.NewModelId("res");

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "pipeline-results-" + Guid.NewGuid().ToString("N"));

    public Dictionary<string, string> Environment { get; private set; } = [];

    public IHost Scheduler { get; private set; } = null!;

    internal EnqueueResult Job { get; private set; } = null!;

    internal CliProcess Server { get; private set; } = null!;

    public string Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.SampleImages).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal)
            || f.EndsWith(".png", StringComparison.Ordinal)))
        {
            if (Path.GetFileName(file) != "motorcycle_left.png")
            {
                File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
            }
        }

        PlantNearDuplicates();
        await File.WriteAllBytesAsync(Path.Combine(Folder, "empty.jpg"), []);
        await File.WriteAllTextAsync(Path.Combine(Folder, "page.jpg"), "<html><body>not an image</body></html>");
        var png = await File.ReadAllBytesAsync(RepoPaths.Sample("coffee.png"));
        await File.WriteAllBytesAsync(Path.Combine(Folder, "truncated.png"), png[..2000]);

        Environment = ServiceEndpoints.ProcessEnvironment(ModelId, "test." + Guid.NewGuid().ToString("N"));
        Scheduler = await SchedulerHarness.StartAsync(Environment);
        _worker = WorkerProcess.Start(Environment);
        await _worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        Job = await Scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(Folder), ModelId, false, 4, timeout.Token);
        await WaitForJobAsync(Job.JobId, timeout.Token);

        // The page runs as a role that may only read: what the README promises is enough.
        var serverEnvironment = new Dictionary<string, string>(Environment)
        {
            ["PIPELINE_Serve__Port"] = "0",
            ["PIPELINE_Serve__BearerToken"] = Token,
            ["PIPELINE_Postgres__ConnectionString"] = await ReadOnlyRoleAsync(),
        };
        Server = CliProcess.Start(serverEnvironment, "serve");
        await Server.WaitForOutputAsync("serving on ", TimeSpan.FromMinutes(2));
        Address = Server.StandardOutput.Split("serving on ", 2)[1].Split(' ', 2)[0].TrimEnd('/');
    }

    /// <summary>A login role with SELECT on the pipeline's tables and nothing else (local services trust loopback).</summary>
    private async Task<string> ReadOnlyRoleAsync()
    {
        var role = "ro_" + ModelId;
        var admin = new NpgsqlConnectionStringBuilder(ServiceEndpoints.Postgres) { Username = "postgres" };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"CREATE ROLE {role} LOGIN; GRANT SELECT ON models, jobs, job_batches, failures, {ModelIdentity.TableFor(ModelId)} TO {role}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServiceEndpoints.Postgres) { Username = role }.ConnectionString;
    }

    public string Uri(string fileName) => new Uri(Path.Combine(Folder, fileName)).AbsoluteUri;

    public async Task DisposeAsync()
    {
        Server?.Dispose();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServiceEndpoints.Postgres) { Username = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP OWNED BY ro_{ModelId}; DROP ROLE IF EXISTS ro_{ModelId}", connection);
            await command.ExecuteNonQueryAsync();
        }

        await _worker.StopAsync(TimeSpan.FromMinutes(1));
        await _worker.DisposeAsync();
        Scheduler.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private async Task WaitForJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        while ((await Scheduler.Get<JobStore>().GetAsync(jobId, cancellationToken))?.Status.IsComplete != true)
        {
            Assert.False(_worker.HasExited, "the worker died:\n" + _worker.Log);
            await Task.Delay(200, cancellationToken);
        }
    }

    private void PlantNearDuplicates()
    {
        using (var dog = Cv2.ImRead(RepoPaths.Sample("dog.jpg")))
        using (var crop = new Mat(dog, Centre(dog, 0.85)))
        {
            Cv2.ImWrite(Path.Combine(Folder, "dog_crop.jpg"), crop);
        }

        using (var giraffe = Cv2.ImRead(RepoPaths.Sample("giraffe.jpg")))
        using (var half = giraffe.Resize(new Size(giraffe.Width / 2, giraffe.Height / 2), 0, 0, InterpolationFlags.Area))
        {
            Cv2.ImWrite(Path.Combine(Folder, "giraffe_half.jpg"), half);
        }

        using (var scream = Cv2.ImRead(RepoPaths.Sample("scream.jpg")))
        {
            Cv2.ImWrite(Path.Combine(Folder, "scream_q25.jpg"), scream, new ImageEncodingParam(ImwriteFlags.JpegQuality, 25));
        }

        using var eagle = Cv2.ImRead(RepoPaths.Sample("eagle.jpg"));
        using var eagleCrop = new Mat(eagle, Centre(eagle, 0.9));
        using var small = eagleCrop.Resize(new Size((int)(eagleCrop.Width * 0.6), (int)(eagleCrop.Height * 0.6)), 0, 0, InterpolationFlags.Area);
        Cv2.ImWrite(Path.Combine(Folder, "eagle_crop_small.jpg"), small, new ImageEncodingParam(ImwriteFlags.JpegQuality, 70));
    }

    private static Rect Centre(Mat image, double fraction)
    {
        var width = (int)(image.Width * fraction);
        var height = (int)(image.Height * fraction);
        return new Rect((image.Width - width) / 2, (image.Height - height) / 2, width, height);
    }
}

[CollectionDefinition(Name)]
public sealed class ResultsGroup : ICollectionFixture<ResultsFixture>
{
    public const string Name = "results";
}
