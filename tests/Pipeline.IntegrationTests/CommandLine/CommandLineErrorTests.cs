using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler;

namespace Pipeline.IntegrationTests.CommandLine;

/// <summary>What a person sees when a service is down or a setting is wrong: one line, a distinct exit code, no secrets.</summary>
public sealed class CommandLineErrorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private static Dictionary<string, string> Environment() =>
        ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("cli"), "test." + Guid.NewGuid().ToString("N"));

    private static void AssertOneErrorLine(string output, string start, string secret)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, output);
        Assert.StartsWith(start, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnreachableDatabase_PrintsOneLineAndExitsSix()
    {
        var environment = Environment();
        environment["PIPELINE_Postgres__ConnectionString"] = "Host=127.0.0.1;Port=1;Username=pipeline;Password=hunter2;Database=pipeline";
        // Commands wait out a lost database for this long first (a blip is no failure); none here.
        environment["PIPELINE_Postgres__OutageTolerance"] = "00:00:00";

        var (code, output) = await CliProcess.RunAsync(environment, Timeout, "status", Guid.NewGuid().ToString());

        Assert.True(code == ExitCodes.DatabaseUnavailable, output);
        AssertOneErrorLine(output, "error: database unavailable: Failed to connect to 127.0.0.1:1", "hunter2");
        Assert.Contains("PIPELINE_Postgres__ConnectionString", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_UnreachableBroker_PrintsOneLineExitsSevenAndRecordsNoJob()
    {
        var modelId = ServiceEndpoints.NewModelId("cli");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_RabbitMq__Uri"] = "amqp://guest:hunter2@127.0.0.1:1/";
        environment["PIPELINE_RabbitMq__OutageTolerance"] = "00:00:00";

        var (code, output) = await CliProcess.RunAsync(environment, Timeout, "enqueue", "--folder", RepoPaths.SampleImages);

        Assert.True(code == ExitCodes.BrokerUnavailable, output);
        AssertOneErrorLine(output, "error: message broker unavailable: ", "hunter2");
        Assert.Contains("127.0.0.1:1", output, StringComparison.Ordinal);
        // The broker is reached before the job row is written: no job is left 'enqueuing' for ever.
        await using var connection = new Npgsql.NpgsqlConnection(ServiceEndpoints.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM jobs WHERE model_id = $1", connection);
        command.Parameters.AddWithValue(modelId);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Enqueue_MissingFolder_PrintsOneLineAndExitsEight()
    {
        var missing = Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid().ToString("N"));

        var (code, output) = await CliProcess.RunAsync(Environment(), Timeout, "enqueue", "--folder", missing);

        Assert.True(code == ExitCodes.SourceUnreadable, output);
        AssertOneErrorLine(output, "error: cannot read the images: ", "   at ");
        Assert.Contains(missing, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_InvalidSetting_NamesItAndExitsNine()
    {
        var environment = Environment();
        environment["PIPELINE_Scheduler__PollInterval"] = "00:00:00";

        var (code, output) = await CliProcess.RunAsync(environment, Timeout, "status", Guid.NewGuid().ToString());

        Assert.True(code == ExitCodes.InvalidConfiguration, output);
        AssertOneErrorLine(output, "error: invalid configuration: ", "   at ");
        Assert.Contains("PollInterval", output, StringComparison.Ordinal);
    }
}
