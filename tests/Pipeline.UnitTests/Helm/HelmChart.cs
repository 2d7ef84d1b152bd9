using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pipeline.UnitTests.Helm;

/// <summary>
/// The chart under helm/pipeline as files: parsed YAML for Chart.yaml and values.yaml, plain text for the
/// templates (no helm binary here, and the templates are not rendered: tests check references, not output).
/// </summary>
internal static partial class HelmChart
{
    public static string Folder => RepoPaths.File("helm", "pipeline");

    public static YamlMappingNode Chart { get; } = Load("Chart.yaml");

    public static YamlMappingNode Values { get; } = Load("values.yaml");

    public static string ValuesText => File.ReadAllText(Path.Combine(Folder, "values.yaml"));

    /// <summary>Template file name → its text (helpers included).</summary>
    public static IReadOnlyDictionary<string, string> Templates { get; } =
        Directory.EnumerateFiles(Path.Combine(Folder, "templates"))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".tpl", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    /// <summary>Every <c>.Values.a.b</c> path the templates use, as <c>a.b</c>.</summary>
    public static IEnumerable<string> ValuesPaths(string template) =>
        ValuesPathPattern().Matches(template).Select(m => m.Groups["path"].Value);

    /// <summary>Environment variable names a template sets: <c>- name: X</c> entries and ConfigMap data keys.</summary>
    public static IEnumerable<string> EnvironmentNames(string template) =>
        EnvironmentNamePattern().Matches(template).Select(m => m.Groups["name"].Value).Distinct();

    /// <summary>The node at a dotted path, or null.</summary>
    public static YamlNode? Find(YamlMappingNode root, string path)
    {
        YamlNode? node = root;
        foreach (var key in path.Split('.'))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Dotted paths of every leaf of a mapping (lists and empty maps are leaves).</summary>
    public static IEnumerable<string> Leaves(YamlMappingNode mapping, string prefix = "")
    {
        foreach (var (key, value) in mapping.Children)
        {
            var path = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode child && child.Children.Count > 0)
            {
                foreach (var leaf in Leaves(child, path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    public static string Scalar(string path) => ((YamlScalarNode)Find(Values, path)!).Value!;

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Folder, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    [GeneratedRegex(@"\.Values(?<path>(\.[A-Za-z0-9_]+)+)")]
    private static partial Regex ValuesPathPattern();

    [GeneratedRegex(@"(?:-\s+name:\s+|^\s+)(?<name>(?:PIPELINE|Logging)_[A-Za-z0-9_]+)", RegexOptions.Multiline)]
    private static partial Regex EnvironmentNamePattern();
}
