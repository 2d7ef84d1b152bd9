using System.Text.RegularExpressions;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Benchmarks;

/// <summary>
/// The benchmark at smoke sizes, against the real services: proves every step runs and reports, so the README's
/// performance command keeps working. Numbers at these sizes mean nothing and are not checked.
/// </summary>
public sealed partial class BenchmarkSmokeTests
{
    [Fact]
    public async Task Smoke_AllSteps_ReportEveryMeasure()
    {
        var work = Directory.CreateTempSubdirectory("bench-");
        try
        {
            var report = Path.Combine(work.FullName, "report.md");
            var (exitCode, output) = await RunAsync(TimeSpan.FromMinutes(5), "--smoke", "--work", work.FullName, "--report", report);

            Assert.True(exitCode == 0, output);
            var text = await File.ReadAllTextAsync(report);
            Assert.Contains("SMOKE SIZES", text, StringComparison.Ordinal);
            foreach (var measure in new[]
            {
                "1. inference alone", "2. decode + preprocess alone", "ideal on shared cores", "3. end-to-end job, 64 photos",
                "4. end-to-end ÷ ideal", "worker peak RSS, 64 photos", "worker peak RSS, 256 photos", "machine CPU over the job",
                "2b. decode + preprocess alone, README sample photos (64,", "ideal on the sample photos", "5. end-to-end job, 64 sample photos",
                "worker peak RSS, 64 sample photos", "scheduler enqueue, 2,000 manifest URIs", "scheduler enqueue, 20,000 manifest URIs",
                "bulk write path alone (1,024 rows × 1280 dims",
            })
            {
                Assert.Matches(MeasureRow(measure), text);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Main_UnknownArgument_ExitsWithUsage()
    {
        var (exitCode, output) = await RunAsync(TimeSpan.FromMinutes(1), "--frobnicate");

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: Pipeline.Benchmarks", output, StringComparison.Ordinal);
    }

    // A table row whose result cell starts with a number.
    private static Regex MeasureRow(string measure) => new($@"^\| {Regex.Escape(measure)}[^\n]*\| \**[0-9]", RegexOptions.Multiline);

    private static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args) =>
        // Built next to this project's own output (same configuration) through the project reference.
        CommandRunner.RunAsync(
            "dotnet",
            timeout,
            [Path.Combine(AppContext.BaseDirectory.Replace("Pipeline.IntegrationTests", "Pipeline.Benchmarks", StringComparison.Ordinal), "Pipeline.Benchmarks.dll"), .. args]);
}
