using Pipeline.Scheduler;

return await SchedulerCli.Build(Console.Out).Parse(args).InvokeAsync().ConfigureAwait(false);
