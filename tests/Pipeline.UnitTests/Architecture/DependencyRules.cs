namespace Pipeline.UnitTests.Architecture;

/// <summary>
/// The allowed direction between an assembly's namespaces: an ordered list of layers, lowest first. A namespace may
/// use namespaces of lower layers only; namespaces of one layer are independent of each other. Every namespace of
/// the assembly must be placed, so a new folder is a decision, not an accident.
/// </summary>
internal sealed class DependencyRules(string assembly, params string[][] layers)
{
    public string Assembly { get; } = assembly;

    /// <summary>What breaks the rules in <paramref name="graph"/>: unplaced namespaces, then edges that run up or sideways.</summary>
    public IReadOnlyList<string> Violations(NamespaceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Length; i++)
        {
            foreach (var name in layers[i])
            {
                rank.Add(name, i);
            }
        }

        var violations = new List<string>();
        violations.AddRange(graph.Declared.Where(name => IsOwn(name) && !rank.ContainsKey(name))
            .Select(name => $"{name} is in no layer of the {Assembly} table: place it"));
        foreach (var (from, to) in graph.Edges)
        {
            if (rank.TryGetValue(from, out var fromRank) && rank.TryGetValue(to, out var toRank) && toRank >= fromRank)
            {
                var how = toRank == fromRank ? "same layer" : "upwards";
                violations.Add($"{from} → {to} ({how}): {graph.Evidence(from, to)}");
            }
        }

        return violations;
    }

    private bool IsOwn(string name) => name == Assembly || name.StartsWith(Assembly + ".", StringComparison.Ordinal);
}
