namespace Pipeline.Benchmarks.Reporting;

/// <summary>The CPU the numbers were taken on, so a reader can compare like with like.</summary>
internal static class MachineDescription
{
    public static string Read()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.ProcessorCount} cores";
    }
}
