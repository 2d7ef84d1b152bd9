namespace Pipeline.Common.Decoding;

/// <summary>Input tensor layout: PyTorch exports take NCHW, Keras/tf2onnx exports NHWC.</summary>
public enum TensorLayout
{
    /// <summary>Channels first, <c>[N, C, H, W]</c> (PyTorch/torchvision exports).</summary>
    Nchw,
    /// <summary>Channels last, <c>[N, H, W, C]</c> (Keras/TensorFlow exports).</summary>
    Nhwc,
}
