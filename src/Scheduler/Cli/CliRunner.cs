using System.CommandLine;
using System.CommandLine.Invocation;

namespace Pipeline.Scheduler.Cli;

/// <summary>Runs the <c>pipeline</c> command line: the program's entry point, and the tests' in-process one.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var parsed = SchedulerCli.Build(output).Parse(args);
        var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken)
            .ConfigureAwait(false);
        // A mistyped command line is a usage error (2), like enqueue's own checks, not a generic failure.
        return parsed.Action is ParseErrorAction ? ExitCodes.Usage : code;
    }
}
