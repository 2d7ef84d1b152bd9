using System.Text.Json;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Results;

[Collection(ResultsGroup.Name)]
public sealed class DuplicatesCommandTests(ResultsFixture fixture)
{
    [Fact]
    public async Task Duplicates_PlantedCropsRescalesReencodes_EachGroupedWithItsOriginalAlone()
    {
        var (code, output) = await CliProcess.RunAsync(
            fixture.Environment, TimeSpan.FromMinutes(2), "duplicates", fixture.ModelId, "--max-distance", "0.15", "--format", "json");
        Assert.True(code == 0, output);
        using var report = JsonDocument.Parse(output[..(output.LastIndexOf('}') + 1)]);
        var groups = report.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => g.GetProperty("members").EnumerateArray().Select(m => Path.GetFileName(m.GetProperty("uri").GetString()!)).Order().ToArray())
            .OrderBy(g => g[0], StringComparer.Ordinal)
            .ToArray();
        var expected = ResultsFixture.Planted.Select(p => new[] { p.Key, p.Value }.Order().ToArray()).OrderBy(g => g[0], StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, groups);
        Assert.Equal(16, report.RootElement.GetProperty("rowsSearched").GetInt64());
    }

    [Fact]
    public async Task Duplicates_CsvWithJobFilter_OneLinePerMemberFromThatJob()
    {
        var (code, output) = await CliProcess.RunAsync(
            fixture.Environment, TimeSpan.FromMinutes(2), "duplicates", fixture.ModelId, "--max-distance", "0.15", "--job", fixture.Job.JobId.ToString());
        Assert.True(code == 0, output);
        var lines = output.Split('\n').Where(l => l.Contains("file://", StringComparison.Ordinal)).ToArray();
        Assert.Equal(ResultsFixture.Planted.Count * 2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d+,2,\d+,file://", l));
        Assert.Contains("group,size,id,uri", output, StringComparison.Ordinal);
    }
}
