using System.Text.RegularExpressions;
using Pipeline.Common;

namespace Pipeline.UnitTests.Helm;

/// <summary>What the images set that the programs rely on, read from the Dockerfile's stages.</summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Stage_RunningThePrograms_SetsTheGen0Budget(string stage)
    {
        var environment = StageEnvironment(File.ReadAllText(RepoPaths.File("Dockerfile")), stage);

        Assert.True(environment.TryGetValue(ManagedHeap.Gen0BudgetVariable, out var value), $"stage {stage} sets no {ManagedHeap.Gen0BudgetVariable}");
        Assert.Equal(ManagedHeap.Gen0Budget, value);
    }

    [Fact]
    public void StageEnvironment_ContinuedLines_AreRead()
    {
        const string dockerfile = "FROM a AS one\nENV A=1 \\\n    B=2\nFROM b AS two\nENV C=3\n";

        Assert.Equal(["A", "B"], StageEnvironment(dockerfile, "one").Keys.Order());
        Assert.Equal(["C"], StageEnvironment(dockerfile, "two").Keys);
    }

    // ENV KEY=VALUE pairs of one FROM … AS stage, continuation lines joined.
    private static Dictionary<string, string> StageEnvironment(string dockerfile, string stage)
    {
        var joined = dockerfile.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var inStage = false;
        foreach (var line in joined.Select(l => l.Trim()))
        {
            if (line.StartsWith("FROM ", StringComparison.Ordinal))
            {
                inStage = line.EndsWith(" AS " + stage, StringComparison.Ordinal);
            }
            else if (inStage && line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                foreach (Match pair in EnvPair().Matches(line[4..]))
                {
                    result[pair.Groups[1].Value] = pair.Groups[2].Value;
                }
            }
        }

        Assert.True(result.Count > 0 || !joined.Any(l => l.Trim().EndsWith(" AS " + stage, StringComparison.Ordinal)), $"stage {stage} has no ENV");
        return result;
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
