namespace Pipeline.Common.Inference.Catalogue;

/// <summary>Colour order of the model input's three channels.</summary>
public enum ChannelOrder
{
    Rgb,
    /// <summary>Keras' <c>caffe</c> mode flips RGB to BGR before subtracting the mean.</summary>
    Bgr,
}
