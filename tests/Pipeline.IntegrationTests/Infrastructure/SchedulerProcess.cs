namespace Pipeline.IntegrationTests.Infrastructure;

using System.Diagnostics;

/// <summary>The <c>pipeline</c> program as a real process: what a person (or a CronJob) sees.</summary>
internal static class SchedulerProcess
{
    /// <returns>The exit code and stdout followed by stderr.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipeline.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        ChildEnvironment.Apply(info, environment);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
