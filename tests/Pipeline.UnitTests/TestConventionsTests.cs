using System.Reflection;
using System.Text.RegularExpressions;
using Pipeline.Common;
using Pipeline.Scheduler;
using Pipeline.Worker;

namespace Pipeline.UnitTests;

/// <summary>
/// The house rules for tests, enforced: names <c>Method_Scenario_Expected</c> (three PascalCase parts), a test file's
/// namespace is its folder, and a test class of a production type (<c>XTests</c>, <c>XSomethingTests</c>) lies in the folder of
/// that type's area (<c>Pipeline.Common.Inference.*</c> → <c>Inference/</c>, <c>Pipeline.Common</c> → <c>Common/</c>,
/// <c>Pipeline.Worker.*</c> → <c>Worker/</c>, <c>Pipeline.Scheduler.*</c> → <c>Scheduler/</c>).
/// </summary>
public sealed partial class TestConventionsTests
{
    private static readonly string[] TestProjects = ["Pipeline.UnitTests", "Pipeline.IntegrationTests"];

    private static readonly Type[] ProductionTypes =
        new[] { typeof(EventIds).Assembly, typeof(WorkerOptions).Assembly, typeof(SchedulerOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsNested && t.Namespace?.StartsWith("Pipeline.", StringComparison.Ordinal) == true && !t.Name.Contains('<', StringComparison.Ordinal))
            .ToArray();

    [Fact]
    public void TestMethods_UnitTestAssembly_AreNamedMethodScenarioExpected()
    {
        var methods = typeof(TestConventionsTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();

        var wrong = methods.Where(m => !IsThreePartName(m[(m.IndexOf('.', StringComparison.Ordinal) + 1)..])).ToList();

        Assert.NotEmpty(methods);
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void TestMethods_IntegrationTestSources_AreNamedMethodScenarioExpected()
    {
        var names = SourceFiles("Pipeline.IntegrationTests")
            .SelectMany(f => TestMethod().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Groups[1].Value}"))
            .ToList();

        var wrong = names.Where(n => !IsThreePartName(n[(n.IndexOf(": ", StringComparison.Ordinal) + 2)..])).ToList();

        Assert.NotEmpty(names);
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void TestFiles_BothTestProjects_DeclareTheNamespaceOfTheirFolder()
    {
        var wrong = TestProjects
            .SelectMany(project => SourceFiles(project).Select(file => (project, file)))
            .Select(p => (p.file, Expected: ExpectedNamespace(p.project, p.file), Actual: FileNamespace().Match(File.ReadAllText(p.file)).Groups[1].Value))
            .Where(p => p.Actual.Length > 0 && p.Actual != p.Expected)
            .Select(p => $"{Path.GetRelativePath(RepoPaths.Root, p.file)}: namespace {p.Actual}, folder says {p.Expected}")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void TestClasses_OfAProductionType_LieInTheFolderOfItsArea()
    {
        var wrong = typeof(TestConventionsTests).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Tests", StringComparison.Ordinal) && !t.IsNested)
            .Select(t => (Test: t, UnderTest: TypeUnderTest(t.Name[..^"Tests".Length])))
            .Where(p => p.UnderTest is not null && !InArea(p.Test.Namespace!, AreaOf(p.UnderTest)))
            .Select(p => $"{p.Test.FullName} tests {p.UnderTest!.FullName}: move it to {AreaOf(p.UnderTest!).Replace('.', '/')}/")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Theory]
    [InlineData("Validate_MisspeltSetting_IsRefused", true)]
    [InlineData("Parse_1x1Png_Decodes", true)]
    [InlineData("Absolute_path_is_percent_encoded", false)]
    [InlineData("Validate_MisspeltSetting", false)]
    [InlineData("Validate_MisspeltSetting_IsRefused_AndNamed", false)]
    [InlineData("Validate__IsRefused", false)]
    public void IsThreePartName_Names_AcceptOnlyThreePascalCaseParts(string name, bool expected)
    {
        Assert.Equal(expected, IsThreePartName(name));
    }

    [Theory]
    [InlineData("ModelOptions", "Inference")]
    [InlineData("ImagePreprocessorExif", "Decoding")]
    [InlineData("EventIds", "Common")]
    [InlineData("WorkerOptions", "Worker")]
    public void TypeUnderTest_TestClassNames_MapToTheAreaOfTheirType(string stem, string area)
    {
        Assert.Equal(area, AreaOf(TypeUnderTest(stem)!));
    }

    private static bool IsThreePartName(string name) => ThreeParts().IsMatch(name);

    /// <summary>The production type a test class is named after: the exact name, else the longest type name it starts with.</summary>
    private static Type? TypeUnderTest(string stem)
    {
        var candidates = ProductionTypes.Where(t => stem.StartsWith(TypeName(t), StringComparison.Ordinal)).ToList();
        var longest = candidates.Select(t => TypeName(t).Length).DefaultIfEmpty(0).Max();
        var best = candidates.Where(t => TypeName(t).Length == longest).ToList();
        return best.Count == 1 && longest >= 6 ? best[0] : null;
    }

    private static string TypeName(Type type) => type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;

    /// <summary><c>Pipeline.Common.X…</c> → <c>X</c>, <c>Pipeline.Common</c> → <c>Common</c>, <c>Pipeline.Worker…</c> → <c>Worker</c>.</summary>
    private static string AreaOf(Type type)
    {
        var parts = type.Namespace!.Split('.');
        return parts[1] == "Common" ? (parts.Length > 2 ? parts[2] : "Common") : parts[1];
    }

    private static bool InArea(string testNamespace, string area) =>
        testNamespace == $"Pipeline.UnitTests.{area}" || testNamespace.StartsWith($"Pipeline.UnitTests.{area}.", StringComparison.Ordinal);

    private static string ExpectedNamespace(string project, string file)
    {
        var folder = Path.GetRelativePath(RepoPaths.File("tests", project), Path.GetDirectoryName(file)!);
        return folder == "." ? project : $"{project}.{folder.Replace(Path.DirectorySeparatorChar, '.')}";
    }

    private static IEnumerable<string> SourceFiles(string project) =>
        Directory.EnumerateFiles(RepoPaths.File("tests", project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex("^[A-Z0-9][A-Za-z0-9]*_[A-Z0-9][A-Za-z0-9]*_[A-Z0-9][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ThreeParts();

    // A [Fact]/[Theory] (or a derived attribute named *Fact/*Theory) and, after its other attributes, the method's name.
    [GeneratedRegex(@"\[\w*(?:Fact|Theory)\b[^\]]*\](?:\s*\[[^\]]*\])*\s*public\s+(?:async\s+)?[\w<>\[\]?,\s]+?\s+(\w+)\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex FileNamespace();
}
