using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Inference;
using Pipeline.Common.Messaging;
using Pipeline.Scheduler.Status;

namespace Pipeline.Scheduler.Recovery;

/// <summary><c>pipeline retry</c> and <c>pipeline dead-letters list|replay|purge</c>: after an outage is fixed.</summary>
internal static class RecoveryCommands
{
    public static Command Retry(TextWriter output, Func<CancellationToken, Task<IHost>> startHost)
    {
        var job = new Argument<Guid>("job") { Description = "Job whose failed images are queued again" };
        var reasons = new Option<FailureReason[]>("--reason")
        {
            Description = "Only failures with this reason (repeatable), e.g. DeadLettered, FetchFailed, Timeout; default: all",
            AllowMultipleArgumentsPerToken = false,
        };
        var wait = new Option<bool>("--wait", "--follow") { Description = "Follow the job until complete" };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "With --wait: give up after this long and exit 10" };
        var command = new Command("retry", "Queue a job's failed images again (same job, a new attempt); run it once the outage is fixed")
        {
            job, reasons, wait, timeout,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await startHost(cancellationToken).ConfigureAwait(false);
            var services = host.Services;
            var jobId = result.GetValue(job);
            var outcome = await services.GetRequiredService<JobRetrier>()
                .QueueAsync(jobId, result.GetValue(reasons) ?? [], cancellationToken).ConfigureAwait(false);
            if (outcome is null)
            {
                await output.WriteLineAsync($"job {jobId} not found").ConfigureAwait(false);
                return ExitCodes.UnknownJob;
            }

            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"job {jobId}: {outcome.Images} failed images queued again in {outcome.Messages} messages")).ConfigureAwait(false);

            return result.GetValue(wait)
                ? await services.GetRequiredService<JobFollower>()
                    .ShowAsync(jobId, wait: true, output, cancellationToken, result.GetValue(timeout)).ConfigureAwait(false)
                : ExitCodes.Ok;
        });
        return command;
    }

    public static Command DeadLetters(TextWriter output, Func<CancellationToken, Task<IHost>> startHost)
    {
        var command = new Command(
            "dead-letters",
            "The model's dead-lettered messages: workers record their images as DeadLettered failures and park them in <queue>.parked");
        command.Subcommands.Add(DeadLetterCommand("list", "List dead letters (settled and not yet settled), oldest first", output, startHost, DeadLetterAction.List));
        command.Subcommands.Add(DeadLetterCommand(
            "replay", "Queue the images of every dead letter again (settled ones through their job's DeadLettered failures)", output, startHost, DeadLetterAction.Replay));
        command.Subcommands.Add(DeadLetterCommand("purge", "Delete the settled dead letters (their failures stay recorded)", output, startHost, DeadLetterAction.Purge));
        return command;
    }

    private static Command DeadLetterCommand(
        string name, string description, TextWriter output, Func<CancellationToken, Task<IHost>> startHost, DeadLetterAction action)
    {
        var model = new Option<string?>("--model") { Description = "Model id (default: PIPELINE_Model__Id)" };
        var command = new Command(name, description) { model };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await startHost(cancellationToken).ConfigureAwait(false);
            var services = host.Services;
            var modelId = result.GetValue(model) ?? services.GetRequiredService<IOptions<ModelOptions>>().Value.Id;
            var browser = new DeadLetterBrowser(
                services.GetRequiredService<RabbitMqConnector>(),
                services.GetRequiredService<JobRetries>(),
                services.GetRequiredService<IOptions<SchedulerOptions>>().Value.BatchSize,
                modelId);
            return await browser.RunAsync(action, output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
