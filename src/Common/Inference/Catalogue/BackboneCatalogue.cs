using System.Collections.Frozen;
using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Catalogue;

/// <summary>
/// The classic ImageNet backbones a user can pick by name (<c>PIPELINE_Model__Backbone=resnet50</c>, or a model id
/// that is a catalogue name), with Keras-exact preprocessing and the width of their pooled features.
/// </summary>
/// <remarks>
/// Every number was checked against the Keras applications source (keras-team/keras, keras/src/applications/):
/// <list type="bullet">
/// <item>imagenet_utils.py: <c>preprocess_input</c> modes — caffe: RGB→BGR, minus (103.939, 116.779, 123.68);
/// tf: x/127.5 − 1; torch: x/255, minus (0.485, 0.456, 0.406), over (0.229, 0.224, 0.225).</item>
/// <item>vgg16.py, vgg19.py: default_size 224, mode caffe, last block 512 filters (the top is Flatten → Dense,
/// no global pooling).</item>
/// <item>resnet.py: 224, caffe, conv5 4 × 512 = 2048; resnet_v2.py: same stacks, mode tf.</item>
/// <item>inception_v3.py: 299, tf, mixed10 = 320 + 768 + 768 + 192 = 2048; inception_resnet_v2.py: 299, tf,
/// conv_7b 1536; xception.py: 299, tf, block14_sepconv2 2048.</item>
/// <item>mobilenet.py: 224, tf, 1024 (top: GlobalAveragePooling2D(keepdims) → Conv2D 1×1 → Reshape → softmax);
/// mobilenet_v2.py: 224, tf, Conv_1 1280.</item>
/// <item>mobilenet_v3.py: Rescaling(1/127.5, −1) in the graph (include_preprocessing=True), 224, last conv
/// 6 × 96 = 576 (Small) and 6 × 160 = 960 (Large); the top's 1024/1280 Conv2D comes after the pooling.</item>
/// <item>densenet.py: 224, torch, 1024 / 1664 / 1920 (growth 32, blocks [6,12,24,16] / [6,12,32,32] / [6,12,48,32]).</item>
/// <item>nasnet.py: penultimate_filters 1056 at 224 (Mobile) and 4032 at 331 (Large), tf.</item>
/// <item>efficientnet.py: Rescaling + Normalization in the graph; default sizes 224…600; top_conv
/// round_filters(1280) with width coefficients 1.0, 1.0, 1.1, 1.2, 1.4, 1.6, 1.8, 2.0.</item>
/// <item>efficientnet_v2.py: preprocessing in the graph; sizes 224, 240, 260, 300, 384, 480, 480; top_conv
/// round_filters(1280) with width coefficients 1.0, 1.0, 1.1, 1.2 (B0–B3), 1.0 (S, M, L).</item>
/// <item>convnext.py: PreStem normalisation in the graph, 224, projection_dims[-1] 768, 768, 1024, 1536, 2048; the
/// features are LayerNormalization(epsilon=1e-6) of the pooled map (Head, and the include_top=False branch).</item>
/// </list>
/// Torchvision classics (pytorch/vision, torchvision/models/): alexnet.py — features end in Conv2d(256, 256) before
/// AdaptiveAvgPool2d((6, 6)) and a Flatten → Linear head; googlenet.py — inception5b 384 + 384 + 128 + 128 = 1024
/// before AdaptiveAvgPool2d((1, 1)). Both use torchvision's eval transform (short side 256, crop 224, torch mode).
/// </remarks>
public static class BackboneCatalogue
{
    /// <summary>Picks no entry: the model is outside the catalogue and every setting comes from the options.</summary>
    public const string Custom = "custom";

    /// <summary>Every catalogue entry, in the order <c>pipeline models</c> lists them.</summary>
    public static IReadOnlyList<BackboneEntry> All { get; } =
    [
        Keras("vgg16", "VGG16", 224, PreprocessMode.Caffe, 512, FlattenTopNote),
        Keras("vgg19", "VGG19", 224, PreprocessMode.Caffe, 512, FlattenTopNote),
        Keras("resnet50", "ResNet50", 224, PreprocessMode.Caffe, 2048),
        Keras("resnet101", "ResNet101", 224, PreprocessMode.Caffe, 2048),
        Keras("resnet152", "ResNet152", 224, PreprocessMode.Caffe, 2048),
        Keras("resnet50v2", "ResNet50V2", 224, PreprocessMode.Tf, 2048),
        Keras("resnet101v2", "ResNet101V2", 224, PreprocessMode.Tf, 2048),
        Keras("resnet152v2", "ResNet152V2", 224, PreprocessMode.Tf, 2048),
        Keras("inceptionv3", "InceptionV3", 299, PreprocessMode.Tf, 2048),
        Keras("inceptionresnetv2", "InceptionResNetV2", 299, PreprocessMode.Tf, 1536),
        Keras("xception", "Xception", 299, PreprocessMode.Tf, 2048),
        Keras("mobilenet", "MobileNet (alpha 1.0)", 224, PreprocessMode.Tf, 1024),
        new BackboneEntry(
            "mobilenetv2", "MobileNetV2 (alpha 1.0)", 224, 256, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch,
            TensorLayout.Nchw, 1280, BackboneSource.OnnxModelZoo,
            "the bundled ONNX Model Zoo export (torch mode, NCHW, crop); a Keras export wants Preprocess=Tf, Resize=Squash",
            new ShippedModel("models/" + ModelOptions.BundledFile, ModelOptions.BundledSha256, "ONNX Model Zoo mobilenetv2-12-int8, Apache-2.0 (models/)")),
        Keras("mobilenetv3small", "MobileNetV3Small", 224, PreprocessMode.Raw, 576),
        Keras("mobilenetv3large", "MobileNetV3Large", 224, PreprocessMode.Raw, 960),
        Keras("densenet121", "DenseNet121", 224, PreprocessMode.Torch, 1024),
        Keras("densenet169", "DenseNet169", 224, PreprocessMode.Torch, 1664),
        Keras("densenet201", "DenseNet201", 224, PreprocessMode.Torch, 1920),
        Keras("nasnetmobile", "NASNetMobile", 224, PreprocessMode.Tf, 1056),
        Keras("nasnetlarge", "NASNetLarge", 331, PreprocessMode.Tf, 4032, "wider than HNSW indexes: halfvec with a binary-quantized index and exact re-rank"),
        Keras("efficientnetb0", "EfficientNetB0", 224, PreprocessMode.Raw, 1280),
        Keras("efficientnetb1", "EfficientNetB1", 240, PreprocessMode.Raw, 1280),
        Keras("efficientnetb2", "EfficientNetB2", 260, PreprocessMode.Raw, 1408),
        Keras("efficientnetb3", "EfficientNetB3", 300, PreprocessMode.Raw, 1536),
        Keras("efficientnetb4", "EfficientNetB4", 380, PreprocessMode.Raw, 1792),
        Keras("efficientnetb5", "EfficientNetB5", 456, PreprocessMode.Raw, 2048),
        Keras("efficientnetb6", "EfficientNetB6", 528, PreprocessMode.Raw, 2304),
        Keras("efficientnetb7", "EfficientNetB7", 600, PreprocessMode.Raw, 2560),
        Keras("efficientnetv2b0", "EfficientNetV2B0", 224, PreprocessMode.Raw, 1280),
        Keras("efficientnetv2b1", "EfficientNetV2B1", 240, PreprocessMode.Raw, 1280),
        Keras("efficientnetv2b2", "EfficientNetV2B2", 260, PreprocessMode.Raw, 1408),
        Keras("efficientnetv2b3", "EfficientNetV2B3", 300, PreprocessMode.Raw, 1536),
        Keras("efficientnetv2s", "EfficientNetV2S", 384, PreprocessMode.Raw, 1280),
        Keras("efficientnetv2m", "EfficientNetV2M", 480, PreprocessMode.Raw, 1280),
        Keras("efficientnetv2l", "EfficientNetV2L", 480, PreprocessMode.Raw, 1280),
        Keras("convnext_tiny", "ConvNeXtTiny", 224, PreprocessMode.Raw, 768, ConvNeXtNote),
        Keras("convnext_small", "ConvNeXtSmall", 224, PreprocessMode.Raw, 768, ConvNeXtNote),
        Keras("convnext_base", "ConvNeXtBase", 224, PreprocessMode.Raw, 1024, ConvNeXtNote),
        Keras("convnext_large", "ConvNeXtLarge", 224, PreprocessMode.Raw, 1536, ConvNeXtNote),
        Keras("convnext_xlarge", "ConvNeXtXLarge", 224, PreprocessMode.Raw, 2048, ConvNeXtNote),
        new BackboneEntry(
            "resnet18", "ResNet18 (CNTK)", 224, 224, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Raw, TensorLayout.Nchw, 512,
            BackboneSource.MlNet,
            "NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (MIT), restored with the build: ImageNet-trained, already pooled; " +
            "its preprocessing graph (RGB → BGR, minus a 224×224 mean image) is merged in front and takes RGB 0..255; resized like " +
            "ML.NET's ResizeImages default (IsoCrop: short side 224, centre crop); batch axis made dynamic",
            new ShippedModel(
                "models/resnet18/ResNet18.onnx",
                "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f",
                "NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, MIT (tools/DnnImageModels)",
                "models/resnet18/ResNetPreprocess.onnx",
                "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004"),
            Headless: true),
        Torchvision("alexnet", "AlexNet", 256, "torchvision only (no Keras application); top is Flatten → Linear, cut at the Flatten"),
        Torchvision("googlenet", "GoogLeNet", 1024, "torchvision only (no Keras application)"),
    ];

    private static readonly FrozenDictionary<string, BackboneEntry> ByName =
        All.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal);

    private const string FlattenTopNote = "Keras' top is Flatten → Dense (no global pooling); the cut is at the Flatten";

    private const string ConvNeXtNote =
        "Keras' include_top=False puts a LayerNormalization after the pooling; it is kept (pooling then in the graph), stored as '<pooling>+ln'";

    /// <summary>The entry called <paramref name="name"/> (exact, lower case), or null.</summary>
    public static BackboneEntry? Find(string? name) =>
        name is not null && ByName.TryGetValue(name, out var entry) ? entry : null;

    private static BackboneEntry Keras(string name, string family, int size, PreprocessMode mode, int width, string? note = null) =>
        new(name, family, size, BackboneEntry.ShortSideFor(size), ResizePolicy.Squash, mode, TensorLayout.Nhwc, width, BackboneSource.Keras, note);

    private static BackboneEntry Torchvision(string name, string family, int width, string note) =>
        new(name, family, 224, 256, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch, TensorLayout.Nchw, width, BackboneSource.Torchvision, note);
}
