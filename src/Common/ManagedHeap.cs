using System.Globalization;

namespace Pipeline.Common;

/// <summary>
/// The .NET garbage collector's generation-0 budget for both programs: how much the heap may grow between two gen0
/// collections.
/// </summary>
/// <remarks>
/// <para>
/// By default .NET sizes that budget from the CPU's last-level cache, and cloud CPUs report caches of hundreds of MiB:
/// on a VM showing a 260 MiB L3 the budget was 80 MiB, the worker went some 30 s between collections and its resident
/// memory kept climbing for the first half-minute of every job (+15 % from a 2,000- to a 20,000-image job). A fixed
/// 16 MiB budget keeps the worker flat (+3 %), at a gen0 collection every few seconds on the CPU.
/// </para>
/// <para>
/// The runtime reads this setting only from the environment (<c>DOTNET_GCgen0size</c>, hexadecimal bytes; not from
/// runtimeconfig.json), so the Dockerfile sets it for both programs, and the benchmark for the processes it starts. See
/// gcconfig.h (<c>GCgen0size</c>) in dotnet/runtime and the "Runtime configuration options for garbage collection" docs.
/// </para>
/// </remarks>
public static class ManagedHeap
{
    /// <summary>The environment variable the runtime reads at start.</summary>
    public const string Gen0BudgetVariable = "DOTNET_GCgen0size";

    /// <summary>16 MiB, written as the runtime parses it (hexadecimal, no prefix needed).</summary>
    public const string Gen0Budget = "0x1000000";

    /// <summary>
    /// The gen0 budget this process runs with, in bytes (the GC's <c>GCGen0MaxBudget</c>: the cache-derived default,
    /// or <see cref="Gen0BudgetVariable"/> when set); null when the runtime does not report it.
    /// </summary>
    public static long? CurrentGen0Budget() =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value)
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>
    /// "16 MiB (DOTNET_GCgen0size=0x1000000)", "80 MiB (DOTNET_GCgen0size unset: from the CPU cache)" or "unknown", for
    /// the worker's ready line. The budget is what the runtime reports; the variable is shown as set, not interpreted
    /// (the runtime takes a leading hexadecimal part, ignores values it finds too small and caps large ones).
    /// </summary>
    public static string DescribeGen0Budget() => Describe(CurrentGen0Budget(), Environment.GetEnvironmentVariable(Gen0BudgetVariable));

    /// <summary>The text of <see cref="DescribeGen0Budget"/> for a budget in bytes and the variable's value (null: unset).</summary>
    public static string Describe(long? budgetBytes, string? variable)
    {
        if (budgetBytes is not > 0)
        {
            return "unknown";
        }

        var size = string.Create(CultureInfo.InvariantCulture, $"{budgetBytes.Value / (1024.0 * 1024):0.#} MiB");
        return string.IsNullOrWhiteSpace(variable)
            ? $"{size} ({Gen0BudgetVariable} unset: from the CPU cache)"
            : $"{size} ({Gen0BudgetVariable}={variable.Trim()})";
    }
}
