using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;
using static Pipeline.UnitTests.Inference.OnnxBuilder;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// A cut gives features, never class scores: a classifier before the pooling is cut (SqueezeNet's kind), and a cut that
/// removes no learned layer or leaves the class count as width is refused unless the settings say the file is headless.
/// </summary>
public sealed class HeadCheckTests
{
    private const int Batch = 2;

    [Fact]
    public void Embed_ClassifierConvolutionBeforeThePooling_IsCutAndTheMapBeforeItPooled()
    {
        using var file = new TempModelFile(SqueezeNetStyle());
        using var backbone = Backbone.Load(Spec(file.Path, headless: false));
        var images = OrtRunner.RandomInput(seed: 21, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images, Batch, embeddings);

        var expected = new float[Batch * Channels];
        HandPooling.Pool(PoolingMode.Avg, ConvReluNchw(images, Batch), Batch, Channels, TensorLayout.Nchw, expected);
        GlobalPooling.L2NormalizeRows(expected, Channels);
        AssertClose(expected, embeddings);
        Assert.Equal(["classifier (Conv)"], backbone.Cut.RemovedLearnedLayers);
        Assert.Equal(Classes, backbone.Cut.Classes);
    }

    [Fact]
    public void Load_PointwiseConvolutionBeforeAPoolingThatADenseLayerFollows_IsKept()
    {
        // MobileNetV2's Conv_1 / EfficientNet's top_conv: a feature layer, since the classifier comes after the pooling.
        using var file = new TempModelFile(NchwGlobalAveragePool());

        using var backbone = Backbone.Load(Spec(file.Path, headless: false));

        Assert.Equal(Channels, backbone.Width);
        Assert.Equal(["logits_Gemm (Gemm)"], backbone.Cut.RemovedLearnedLayers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_OutputAlreadyFeatures_LoadsOnlyWhenDeclaredHeadless(bool headless)
    {
        using var pooled = new TempModelFile(AlreadyPooled());
        using var map = new TempModelFile(FeatureMapOutput());

        if (headless)
        {
            using var a = Backbone.Load(Spec(pooled.Path, headless));
            using var b = Backbone.Load(Spec(map.Path, headless));
            Assert.Equal((Classes, Channels), (a.Width, b.Width));
        }
        else
        {
            var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(pooled.Path, headless)));
            Assert.Contains("removed no learned layer", error.Message, StringComparison.Ordinal);
            Assert.Contains("Model:Headless=true", error.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(map.Path, headless)));
        }
    }

    [Fact]
    public void Load_ClassifierDeclaredHeadless_IsRefusedNamingWhatWouldBeRemoved()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(file.Path, headless: true)));

        Assert.Contains("configured as headless", error.Message, StringComparison.Ordinal);
        Assert.Contains("(Gemm)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WidthEqualsTheClassCount_IsRefused()
    {
        using var file = new TempModelFile(ClassScoresPooled());

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(file.Path, headless: false)));

        Assert.Contains($"as many as its {Classes} classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoJudgement_LoadsAnything()
    {
        using var file = new TempModelFile(AlreadyPooled());

        using var backbone = Backbone.Load(Spec(file.Path, headless: null));

        Assert.Equal(Classes, backbone.Width);
    }

    // SqueezeNet's head on the synthetic feature layer: Conv 1x1 (features) → Relu → Conv 1x1 to the classes → Relu →
    // GlobalAveragePool → Flatten.
    private static ModelProto SqueezeNetStyle() => Model(
        new GraphProto
        {
            Name = "squeeze_style",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("scores", "batch", Classes) },
            Initializer = { ConvWeights(), Floats("conv_b", [Channels], Bias), ClassifierWeights() },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["features"]),
                new NodeProto { Name = "classifier", OpType = "Conv", Input = { "features", "cls_w" }, Output = { "cls" } },
                Node("Relu", ["cls"], ["cls_relu"]),
                Node("GlobalAveragePool", ["cls_relu"], ["pooled"]),
                Node("Flatten", ["pooled"], ["scores"], Int("axis", 1)),
            },
        },
        opset: 13);

    // Class scores per position, pooled, then a dense layer over the classes: the cut at the pooling leaves the class count.
    private static ModelProto ClassScoresPooled() => Model(
        new GraphProto
        {
            Name = "class_scores",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer =
            {
                Floats("cls_w", [Classes, 3, 1, 1], [.. Enumerable.Range(0, Classes * 3).Select(i => ((i % 4) - 1.5f) * 0.5f)]),
                Floats("fc_w", [Classes, Classes], [.. Enumerable.Range(0, Classes * Classes).Select(i => i % (Classes + 1) == 0 ? 1f : 0f)]),
            },
            Node =
            {
                Node("Conv", ["image", "cls_w"], ["cls"]),
                Node("Relu", ["cls"], ["cls_relu"]),
                Node("GlobalAveragePool", ["cls_relu"], ["pooled"]),
                Node("Flatten", ["pooled"], ["flat"], Int("axis", 1)),
                Node("Gemm", ["flat", "fc_w"], ["logits"], Int("transB", 1)),
                Node("Softmax", ["logits"], ["probs"], Int("axis", 1)),
            },
        },
        opset: 13);

    private static TensorProto ClassifierWeights() =>
        Floats("cls_w", [Classes, Channels, 1, 1], [.. Enumerable.Range(0, Classes * Channels).Select(i => ((i % 3) - 1) * 0.5f)]);

    private static ModelSpec Spec(string path, bool? headless) => new(
        "synthetic", path, null, new PreprocessSpec(Side, Side, ResizePolicy.Squash, PreprocessMode.Raw, TensorLayout.Nchw), PoolingMode.Avg)
    {
        Headless = headless,
    };
}
