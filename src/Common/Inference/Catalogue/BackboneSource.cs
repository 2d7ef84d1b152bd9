namespace Pipeline.Common.Inference.Catalogue;

/// <summary>Where an entry's reference weights and conventions come from.</summary>
public enum BackboneSource
{
    /// <summary><c>keras.applications</c>: channels-last (NHWC) exports, <c>load_img</c>-style square resize.</summary>
    Keras,
    /// <summary><c>torchvision.models</c>: channels-first (NCHW) exports, short side 256 then centre crop 224.</summary>
    Torchvision,
    /// <summary>The ONNX Model Zoo export bundled in <c>models/</c>.</summary>
    OnnxModelZoo,
    /// <summary>ML.NET's DnnImageFeaturizer NuGet packages (CNTK exports with a preprocessing graph), restored by NuGet.</summary>
    MlNet,
}
