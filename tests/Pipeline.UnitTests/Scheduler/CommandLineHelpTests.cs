using Pipeline.Scheduler;
using Pipeline.Scheduler.Cli;

namespace Pipeline.UnitTests.Scheduler;

/// <summary>The help text a person reads, from the real command line run in-process (no services needed).</summary>
public sealed class CommandLineHelpTests
{
    private static async Task<(int Code, string Text)> RunAsync(params string[] args)
    {
        using var text = new StringWriter();
        var code = await CliRunner.RunAsync(args, text, text, CancellationToken.None);
        return (code, text.ToString());
    }

    [Theory]
    [InlineData("enqueue", "--folder <folder>", "Examples:\n  pipeline enqueue --folder ./photos --wait")]
    [InlineData("enqueue", "--force", "pipeline enqueue --container photos --prefix 2026/05/")]
    [InlineData("search", "--top <top>", "pipeline search ./query.jpg")]
    [InlineData("retry", "--reason <reason>", "pipeline retry 0193a7c2-… --reason DeadLettered --wait")]
    [InlineData("status", "--timeout <timeout>", "pipeline status 0193a7c2-…")]
    public async Task Help_Command_ShowsOptionsAndExamples(string command, string option, string example)
    {
        var (code, text) = await RunAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains(option, text, StringComparison.Ordinal);
        Assert.Contains(example, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_StatusWithoutAJob_ShowsFollowAndExamplesAndExitsZero()
    {
        var (code, text) = await RunAsync("status", "-h");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("--follow, --wait", text, StringComparison.Ordinal);
        Assert.Contains("pipeline status 0193a7c2-… --follow", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_ListsCommandsAndExamples()
    {
        var (code, text) = await RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("enqueue", text, StringComparison.Ordinal);
        Assert.Contains("Examples:", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("status")]
    [InlineData("status", "not-a-guid")]
    [InlineData("enqueue", "--folder")]
    [InlineData("retry")]
    [InlineData("retry", "not-a-guid", "--reason", "NoSuchReason")]
    [InlineData("status", "--timeout", "soon")]
    public async Task Parse_MalformedCommandLine_ExitsWithTheUsageCode(params string[] args)
    {
        var (code, text) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Usage:", text, StringComparison.Ordinal);
    }
}
