namespace Pipeline.Common.Inference;

/// <summary>Global pooling over the backbone's spatial feature map (Keras <c>pooling=</c>).</summary>
public enum PoolingMode
{
    Avg,
    Max,
}
