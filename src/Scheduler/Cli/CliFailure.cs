namespace Pipeline.Scheduler.Cli;

/// <summary>A failure a person can act on: its exit code and one line saying what to check.</summary>
internal sealed record CliFailure(int ExitCode, string Message);
