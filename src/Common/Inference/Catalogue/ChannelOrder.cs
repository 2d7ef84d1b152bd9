namespace Pipeline.Common.Inference.Catalogue;

/// <summary>Colour order of the model input's three channels.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (PIL, torchvision, Keras <c>'tf'</c>/<c>'torch'</c> modes).</summary>
    Rgb,
    /// <summary>Keras' <c>caffe</c> mode flips RGB to BGR before subtracting the mean.</summary>
    Bgr,
}
