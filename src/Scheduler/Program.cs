using Pipeline.Scheduler.Cli;

return await CliRunner.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
