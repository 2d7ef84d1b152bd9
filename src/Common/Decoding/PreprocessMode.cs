namespace Pipeline.Common.Decoding;

/// <summary>Keras <c>preprocess_input</c> modes.</summary>
public enum PreprocessMode
{
    /// <summary>RGB→BGR, subtract (103.939, 116.779, 123.68), no scaling (VGG, ResNet V1).</summary>
    Caffe,
    /// <summary>x / 127.5 − 1 (Inception, MobileNet, ResNet V2…).</summary>
    Tf,
    /// <summary>x / 255, subtract (0.485, 0.456, 0.406), divide by (0.229, 0.224, 0.225) (DenseNet, torchvision).</summary>
    Torch,
    /// <summary>Raw 0..255 floats: the model normalises in-graph (EfficientNet, ConvNeXt, MobileNetV3).</summary>
    Raw,
}
