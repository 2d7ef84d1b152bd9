using System.Globalization;

namespace Pipeline.Benchmarks.Processes;

/// <summary>
/// CPU time used so far by the whole machine and by the service processes (from /proc), so a run can say where its
/// cores went: the worker, Postgres, RabbitMQ, or anything else (the scheduler, the benchmark, other load).
/// </summary>
internal sealed record CpuSnapshot(TimeSpan MachineBusy, TimeSpan MachineTotal, IReadOnlyDictionary<string, TimeSpan> ByCommand)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSnapshot Take()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        var byCommand = new Dictionary<string, TimeSpan>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _) || !TryRead(Path.Combine(dir, "stat"), out var stat))
            {
                continue;
            }

            // pid (comm) state ... utime(14) stime(15): comm may hold spaces, so split after the last ')'.
            var close = stat.LastIndexOf(')');
            var command = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close];
            var rest = stat[(close + 2)..].Split(' ');
            var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            byCommand[command] = byCommand.GetValueOrDefault(command) + Seconds(ticks);
        }

        return new CpuSnapshot(Seconds(total - idle), Seconds(total), byCommand);
    }

    /// <summary>CPU used between two snapshots by commands whose name starts with <paramref name="prefix"/>.</summary>
    public static TimeSpan Used(CpuSnapshot before, CpuSnapshot after, string prefix) =>
        after.ByCommand.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Value)
        - before.ByCommand.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Value);

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static bool TryRead(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (IOException)
        {
            text = string.Empty;
            return false;
        }
    }
}
