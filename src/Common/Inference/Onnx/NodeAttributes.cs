namespace Pipeline.Common.Inference.Onnx;

/// <summary>Typed reads of a node's attributes.</summary>
internal static class NodeAttributes
{
    public static AttributeProto? Find(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long Int(NodeProto node, string name, long fallback) =>
        Find(node, name) is { HasI: true } attribute ? attribute.I : fallback;

    /// <summary>The attribute's integer list, or null when the node has no such attribute.</summary>
    public static IReadOnlyList<long>? Ints(NodeProto node, string name) =>
        Find(node, name) is { } attribute ? attribute.Ints : null;
}
