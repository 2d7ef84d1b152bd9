using System.CommandLine;
using System.CommandLine.Invocation;

namespace Pipeline.Scheduler.Cli;

/// <summary>A command's action whose known failures end as one line on stderr and a distinct exit code.</summary>
internal sealed class GuardedAction(AsynchronousCommandLineAction inner) : AsynchronousCommandLineAction
{
    /// <summary>Guards every asynchronous command below <paramref name="command"/>, commands added later by other features included.</summary>
    public static void Apply(Command command)
    {
        foreach (var subcommand in command.Subcommands)
        {
            if (subcommand.Action is AsynchronousCommandLineAction action and not GuardedAction)
            {
                subcommand.Action = new GuardedAction(action);
            }

            Apply(subcommand);
        }
    }

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        CliFailure failure;
        try
        {
            return await inner.InvokeAsync(parseResult, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = new CliFailure(ExitCodes.Cancelled, "cancelled");
        }
        catch (Exception ex) when (CliErrors.Describe(ex) is { } known)
        {
            failure = known;
        }

        await parseResult.InvocationConfiguration.Error.WriteLineAsync("error: " + failure.Message).ConfigureAwait(false);
        return failure.ExitCode;
    }
}
