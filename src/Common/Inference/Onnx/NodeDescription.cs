namespace Pipeline.Common.Inference.Onnx;

/// <summary>Short text naming a node for logs, e.g. <c>GlobalAveragePool_97_quant (com.microsoft.QLinearGlobalAveragePool)</c>.</summary>
internal static class NodeDescription
{
    public static string Of(NodeProto node)
    {
        var name = string.IsNullOrEmpty(node.Name) ? node.Output.FirstOrDefault() ?? "?" : node.Name;
        var op = string.IsNullOrEmpty(node.Domain) || node.Domain == "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
        return $"{name} ({op})";
    }
}
