using System.Text.RegularExpressions;
using Npgsql;
using Pipeline.Common.Sources;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.IntegrationTests.Sources;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>
/// A whole job (real worker process, real <c>pipeline</c> process, Debug logging everywhere) with secrets in
/// every setting and in the image URIs: none may show in a log line, the program's output or a failure message.
/// </summary>
public sealed partial class SecretsTests : IAsyncDisposable
{
    // Azurite's documented development key: public, but it stands here for a real account key.
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string SasSignature = "SecretSig123";
    private const string UrlPassword = "SecretPass456";

    private readonly TestHttpServer _server = new(async (context, stopping) =>
    {
        if (context.Request.Url!.AbsolutePath == "/cat.jpg")
        {
            var bytes = await File.ReadAllBytesAsync(RepoPaths.Sample("dog.jpg"), stopping);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes, stopping);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    });

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("secrets-");

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Job_WithSecretsEverywhereAndDebugLogging_NeverShowsThemInLogsOutputOrFailures()
    {
        var modelId = ServiceEndpoints.NewModelId("secrets");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        List<string> secrets = [SasSignature, UrlPassword];

        // Postgres: a password (the local trust-auth server ignores it), handed over as a mounted file.
        var postgres = new NpgsqlConnectionStringBuilder(ServiceEndpoints.Postgres);
        if (string.IsNullOrEmpty(postgres.Password))
        {
            postgres.Password = "SuperSecret-Pg-123";
        }
        secrets.Add(postgres.Password);
        var postgresFile = Path.Combine(_folder.FullName, "postgres-connection-string");
        await File.WriteAllTextAsync(postgresFile, postgres.ConnectionString + "\n");
        environment.Remove("PIPELINE_Postgres__ConnectionString");
        environment["PIPELINE_Postgres__ConnectionString_FILE"] = postgresFile;

        // RabbitMQ: the user:password of the URI.
        if (new Uri(ServiceEndpoints.RabbitMq).UserInfo is { Length: > 0 } userInfo)
        {
            secrets.Add(userInfo);
        }

        // Blob: an account-key connection string (Azurite's shorthand spelled out, so the key is in it).
        var blobEndpoint = Assert.Single(BlobEndpoints.FromConnectionString(ServiceEndpoints.Blob).Endpoints).ServiceUri;
        var blobConnectionString = ServiceEndpoints.Blob.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
            ? $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint={blobEndpoint.AbsoluteUri.TrimEnd('/')};"
            : ServiceEndpoints.Blob;
        secrets.AddRange(KeyOrSignature().Matches(blobConnectionString).Select(m => m.Groups[1].Value));
        environment["PIPELINE_Blob__ConnectionString"] = blobConnectionString;

        environment["PIPELINE_UriPolicy__AllowPrivateNetworks"] = "true"; // the test server is on 127.0.0.1
        environment["PIPELINE_UriPolicy__AllowedHosts__0"] = "127.0.0.1";
        environment["Logging__LogLevel__Default"] = "Debug";

        var container = BlobServiceClientFactory.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob })
            .GetBlobContainerClient("secrets-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        await container.GetBlobClient("dog.jpg").UploadAsync(RepoPaths.Sample("dog.jpg"));
        var sas = $"?sv=2025-01-05&se=2030-01-01&sp=r&sig={SasSignature}";
        var http = $"http://user:{UrlPassword}@127.0.0.1:{_server.BaseUri.Port}";
        var manifest = Path.Combine(_folder.FullName, "uris.txt");
        await File.WriteAllLinesAsync(manifest,
        [
            $"{container.Uri.AbsoluteUri}/dog.jpg{sas}",                           // embedded, with the configured key
            $"{container.Uri.AbsoluteUri}/missing.jpg{sas}",                       // NotFound, by the worker
            $"{http}/cat.jpg?token={SasSignature}",                                // embedded
            $"{http}/gone.jpg?token={SasSignature}",                               // NotFound, by the worker
            $"http://user:{UrlPassword}@images.example.net/a.jpg?sig={SasSignature}", // Refused, by the scheduler
            $"ftp://user:{UrlPassword}@example.com/a.jpg",                         // Refused, by the scheduler
        ]);

        string workerLog;
        int exitCode;
        string output;
        await using (var worker = WorkerProcess.Start(environment))
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            (exitCode, output) = await CliProcess.RunAsync(environment, EndToEndFixture.JobTimeout, "enqueue", "--manifest", manifest, "--wait");
            Assert.Equal(0, await worker.StopAsync(TimeSpan.FromMinutes(1)));
            workerLog = worker.Log;
        }

        Assert.True(exitCode == 3, output);
        var jobId = Guid.Parse(JobLine().Match(output).Groups[1].Value);
        var messages = await FailureMessagesAsync(jobId);
        Assert.Equal(4, messages.Count);
        Assert.Contains("images 6, done 2, failed 4, skipped 0, pending 0", output, StringComparison.Ordinal);
        // The redacting code ran on every path: URIs with secrets were logged, printed and recorded.
        Assert.Contains("[redacted]", output, StringComparison.Ordinal);
        Assert.Contains("Image failed (NotFound)", workerLog, StringComparison.Ordinal);
        Assert.Contains("[redacted]", workerLog, StringComparison.Ordinal);
        Assert.Contains("dbug:", workerLog, StringComparison.Ordinal);
        Assert.All(messages, m => Assert.Contains("[redacted]", m, StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, workerLog, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.All(messages, m => Assert.DoesNotContain(secret, m, StringComparison.Ordinal));
        }
    }

    private static async Task<List<string>> FailureMessagesAsync(Guid jobId)
    {
        await using var dataSource = NpgsqlDataSource.Create(ServiceEndpoints.Postgres);
        await using var command = dataSource.CreateCommand("SELECT message FROM failures WHERE job_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        await using var reader = await command.ExecuteReaderAsync();
        List<string> messages = [];
        while (await reader.ReadAsync())
        {
            messages.Add(reader.GetString(0));
        }

        return messages;
    }

    [GeneratedRegex("(?:AccountKey|sig)=([^;&]+)", RegexOptions.IgnoreCase)]
    private static partial Regex KeyOrSignature();

    [GeneratedRegex("^job ([0-9a-f-]{36}):", RegexOptions.Multiline)]
    private static partial Regex JobLine();
}
