namespace Pipeline.Common.Inference.Onnx;

/// <summary>Global pooling over the backbone's spatial feature map (Keras <c>pooling=</c>, plus GeM).</summary>
public enum PoolingMode
{
    Avg,
    Max,
    /// <summary>Generalised mean (GeM): (mean of max(x, ε)^p)^(1/p); p = 1 is the average, p → ∞ the maximum.</summary>
    Gem,
}
