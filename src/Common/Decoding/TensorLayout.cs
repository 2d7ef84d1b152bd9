namespace Pipeline.Common.Decoding;

/// <summary>Input tensor layout: PyTorch exports take NCHW, Keras/tf2onnx exports NHWC.</summary>
public enum TensorLayout
{
    Nchw,
    Nhwc,
}
