using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>The text a person sees from the <c>pipeline</c> program, run as a real process.</summary>
[Collection(EndToEndGroup.Name)]
public sealed class CommandLineTests(EndToEndFixture fixture)
{
    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) =>
        CliProcess.RunAsync(fixture.Environment, EndToEndFixture.JobTimeout, args);

    [Fact]
    public async Task Search_MotorcycleLeft_PrintsItselfFirstThenMotorcycleRight()
    {
        var (code, output) = await RunAsync("search", RepoPaths.Sample("motorcycle_left.png"), "--top", "3");

        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank  distance  uri", lines[0]);
        Assert.EndsWith("/motorcycle_left.png", lines[1].TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("/motorcycle_right.png", lines[2].TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Status_CompletedFolderJob_PrintsCountsAndExitsZero()
    {
        var (code, output) = await RunAsync("status", fixture.FolderJob.JobId.ToString());

        Assert.True(code == 0, output);
        Assert.Contains($"job {fixture.FolderJob.JobId} [completed]", output, StringComparison.Ordinal);
        Assert.Contains($"images {fixture.SampleFiles.Count}, done {fixture.SampleFiles.Count}, failed 0, skipped 0, pending 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnqueueWait_FolderWithABadImage_ReportsTheFailureAndExitsThree()
    {
        var folder = Directory.CreateTempSubdirectory("cli-");
        File.Copy(RepoPaths.Sample("person.jpg"), Path.Combine(folder.FullName, "person.jpg"));
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "empty.png"), []);

        var (code, output) = await RunAsync("enqueue", "--folder", folder.FullName, "--wait");

        Assert.True(code == 3, output);
        Assert.Contains("images 2, done 1, failed 1, skipped 0, pending 0", output, StringComparison.Ordinal);
        Assert.Contains("failed Undecodable:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnknownJob_ExitsFour()
    {
        var (code, output) = await RunAsync("status", Guid.NewGuid().ToString());
        Assert.True(code == 4, output);
        Assert.Contains("not found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_TwoSources_IsAUsageErrorWithExitTwo()
    {
        var (code, output) = await RunAsync("enqueue", "--folder", ".", "--manifest", "x.txt");
        Assert.True(code == 2, output);
        Assert.Contains("exactly one of", output, StringComparison.Ordinal);
    }
}
