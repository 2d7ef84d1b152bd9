namespace Pipeline.Common.Inference.Onnx;

/// <summary>A pooled and layer-normalised [N, C] vector that a graph now ends in (<see cref="LayerNormHead"/>).</summary>
/// <param name="Output">The value holding it.</param>
/// <param name="Channels">C when known without running the model.</param>
/// <param name="Pooling">The pooling node that feeds the normalisation, for logs.</param>
/// <param name="Normalization">The normalisation kept, for logs.</param>
internal sealed record NormalizedVector(string Output, int? Channels, string Pooling, string Normalization);
