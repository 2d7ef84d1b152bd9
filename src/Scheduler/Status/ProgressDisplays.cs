namespace Pipeline.Scheduler.Status;

internal static class ProgressDisplays
{
    public static IProgressDisplay For(TextWriter output, TimeProvider time, TimeSpan interval) =>
        IsTerminal(output) ? new TerminalProgressDisplay(output, TerminalWidth()) : new PlainProgressDisplay(output, time, interval);

    /// <summary>Only the process's own, unredirected console can be a terminal; pipes, files and CI logs get plain lines.</summary>
    private static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
