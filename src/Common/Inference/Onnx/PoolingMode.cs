namespace Pipeline.Common.Inference.Onnx;

/// <summary>Global pooling over the backbone's spatial feature map (Keras <c>pooling=</c>, plus GeM).</summary>
public enum PoolingMode
{
    /// <summary>Global average pooling (Keras <c>pooling='avg'</c>, <c>GlobalAveragePooling2D</c>).</summary>
    Avg,
    /// <summary>Global max pooling (Keras <c>pooling='max'</c>, <c>GlobalMaxPooling2D</c>).</summary>
    Max,
    /// <summary>Generalised mean (GeM): (mean of max(x, ε)^p)^(1/p); p = 1 is the average, p → ∞ the maximum.</summary>
    Gem,
}
