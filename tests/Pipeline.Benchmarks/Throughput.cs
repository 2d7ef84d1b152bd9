namespace Pipeline.Benchmarks;

/// <summary>Items done in a measured time.</summary>
internal readonly record struct Throughput(long Items, TimeSpan Elapsed)
{
    public double PerSecond => Items / Elapsed.TotalSeconds;
}
