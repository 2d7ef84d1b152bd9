namespace Pipeline.Common.Inference.Onnx;

/// <summary>Drops every node, initializer (dense or sparse) and value_info that a chosen output no longer needs.</summary>
internal static class GraphPruner
{
    /// <summary>Keeps what <paramref name="output"/> depends on; returns the removed nodes in graph order.</summary>
    public static IReadOnlyList<NodeProto> KeepOnly(GraphProto graph, string output)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        var keep = new bool[graph.Node.Count];
        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node.Output.Any(needed.Contains))
            {
                keep[i] = true;
                needed.UnionWith(ReferencedNames(node));
            }
        }

        var kept = graph.Node.Where((_, i) => keep[i]).ToList();
        var removed = graph.Node.Where((_, i) => !keep[i]).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(kept);

        // Before IR 4 initializers were also listed as graph inputs; drop those entries with them.
        var initializers = graph.Initializer.Select(t => t.Name)
            .Concat(graph.SparseInitializer.Select(t => t.Values?.Name ?? string.Empty))
            .ToHashSet(StringComparer.Ordinal);
        RemoveWhere(graph.Initializer, t => !needed.Contains(t.Name));
        RemoveWhere(graph.SparseInitializer, t => !needed.Contains(t.Values?.Name ?? string.Empty));
        RemoveWhere(graph.Input, v => initializers.Contains(v.Name) && !needed.Contains(v.Name));

        var existing = kept.SelectMany(n => n.Output)
            .Concat(graph.Input.Select(v => v.Name))
            .Concat(graph.Initializer.Select(t => t.Name))
            .Concat(graph.SparseInitializer.Select(t => t.Values?.Name ?? string.Empty))
            .ToHashSet(StringComparer.Ordinal);
        RemoveWhere(graph.ValueInfo, v => !existing.Contains(v.Name) || v.Name == output);
        return removed;
    }

    // Subgraphs (If, Loop, Scan) may read outer values by name without listing them as inputs.
    private static IEnumerable<string> ReferencedNames(NodeProto node)
    {
        foreach (var input in node.Input.Where(i => i.Length > 0))
        {
            yield return input;
        }

        var subgraphs = node.Attribute.SelectMany(a => a.G is null ? a.Graphs : a.Graphs.Prepend(a.G));
        foreach (var name in subgraphs.SelectMany(g => g.Node).SelectMany(ReferencedNames))
        {
            yield return name;
        }
    }

    private static void RemoveWhere<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> predicate)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (predicate(items[i]))
            {
                items.RemoveAt(i);
            }
        }
    }
}
