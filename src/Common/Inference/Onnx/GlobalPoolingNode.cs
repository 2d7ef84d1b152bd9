using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Where a classifier head starts: a node that pools a feature map over all its spatial positions, or the Flatten
/// of a head without pooling (<see cref="FlattenHeadMatcher"/>).
/// </summary>
/// <param name="Input">The pooled feature map (quantized when <paramref name="Quantization"/> is set).</param>
/// <param name="Pools">False for the Flatten of a head without pooling.</param>
internal sealed record GlobalPoolingNode(
    NodeProto Node,
    string Input,
    TensorLayout Layout,
    QuantizedInput? Quantization,
    bool Pools = true)
{
    public string Describe() => NodeDescription.Of(Node);
}
