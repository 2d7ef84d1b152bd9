using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverHeadsTests;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;
using static Pipeline.UnitTests.Inference.SyntheticLayerNormHeads;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// Keras ConvNeXt: the features are LayerNorm(pool(map)) for include_top=False, so the cut keeps the norm and the
/// graph pools as configured; the output equals pooling and normalisation computed by hand.
/// </summary>
public sealed class LayerNormHeadTests
{
    private const int Batch = 2;
    private const float Tolerance = 1e-4f;

    private static readonly long[] NhwcImages = [Batch, Side, Side, 3];

    [Theory]
    [InlineData(PoolingMode.Avg, "pooled_ReduceMean (ReduceMean)")]
    [InlineData(PoolingMode.Max, "pooled_ReduceMean (ReduceMax)")]
    [InlineData(PoolingMode.Gem, "GeM around pooled_ReduceMean (ReduceMean)")]
    public void Remove_KerasConvNeXtHead_KeepsTheLayerNormAfterPoolingAsAsked(PoolingMode pooling, string poolingNode)
    {
        var model = NhwcHead();
        var images = OrtRunner.RandomInput(seed: 50, Batch * ImageLength);
        AssertClassifierRuns(model, images, NhwcImages);

        var cut = HeadRemover.Remove(model, pooling);
        var (vectors, shape) = OrtRunner.Run(model, images, NhwcImages);

        Assert.True(cut.AlreadyPooled);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(poolingNode, cut.PoolingNode);
        Assert.Equal("normed_LayerNormalization (LayerNormalization)", cut.Normalization);
        Assert.Equal(["MatMul", "Add", "Softmax"], cut.RemovedNodes.Select(OpOf));
        Assert.Equal([Batch, Channels], shape);
        AssertClose(HandLayerNorm(HandPool(pooling, ConvReluNhwc(images, Batch), TensorLayout.Nhwc), Channels), vectors, Tolerance);
    }

    [Fact]
    public void Remove_DecomposedLayerNormHead_KeepsEveryNodeOfTheNorm()
    {
        var model = NhwcDecomposedHead();
        var images = OrtRunner.RandomInput(seed: 51, Batch * ImageLength);
        AssertClassifierRuns(model, images, NhwcImages);

        var cut = HeadRemover.Remove(model);
        var (vectors, _) = OrtRunner.Run(model, images, NhwcImages);

        Assert.True(cut.AlreadyPooled);
        Assert.StartsWith("layer normalisation in 9 nodes", cut.Normalization, StringComparison.Ordinal);
        Assert.Equal(["MatMul", "Add", "Softmax"], cut.RemovedNodes.Select(OpOf));
        AssertClose(HandLayerNorm(HandPooling.Average(ConvReluNhwc(images, Batch), Batch, Channels, TensorLayout.Nhwc), Channels), vectors, Tolerance);
    }

    [Fact]
    public void Remove_HeadlessConvNeXtWithAveragePooling_IsTakenAsPooledWithItsNorm()
    {
        var model = NhwcHeadlessPooled();
        var images = OrtRunner.RandomInput(seed: 52, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (vectors, shape) = OrtRunner.Run(model, images, NhwcImages);

        Assert.True(cut.AlreadyPooled);
        Assert.Equal("normed", cut.FeatureOutput);
        Assert.Empty(cut.RemovedNodes);
        Assert.Equal([Batch, Channels], shape);
        AssertClose(HandLayerNorm(HandPooling.Average(ConvReluNhwc(images, Batch), Batch, Channels, TensorLayout.Nhwc), Channels), vectors, Tolerance);
    }

    [Theory]
    [InlineData(17, PoolingMode.Avg)]
    [InlineData(17, PoolingMode.Max)]
    [InlineData(18, PoolingMode.Avg)]
    [InlineData(18, PoolingMode.Gem)]
    public void Remove_HeadlessConvNeXtWithoutPooling_PoolsAheadOfTheTrailingNorm(int opset, PoolingMode pooling)
    {
        var model = NhwcHeadlessUnpooled(opset);
        var images = OrtRunner.RandomInput(seed: 53, Batch * ImageLength);

        var cut = HeadRemover.Remove(model, pooling);
        var (vectors, shape) = OrtRunner.Run(model, images, NhwcImages);

        Assert.True(cut.AlreadyPooled);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal("normed_LayerNormalization (LayerNormalization)", cut.Normalization);
        Assert.Equal([Batch, Channels], shape);
        AssertClose(HandLayerNorm(HandPool(pooling, ConvReluNhwc(images, Batch), TensorLayout.Nhwc), Channels), vectors, Tolerance);
    }

    [Fact]
    public void Remove_TorchvisionStyleNchwHead_KeepsTheNormBetweenItsTransposes()
    {
        var model = NchwTransposedHead();
        var images = OrtRunner.RandomInput(seed: 54, Batch * ImageLength);
        long[] nchwImages = [Batch, 3, Side, Side];
        AssertClassifierRuns(model, images, nchwImages);

        var cut = HeadRemover.Remove(model, PoolingMode.Max);
        var (vectors, shape) = OrtRunner.Run(model, images, nchwImages);

        Assert.Equal("pooled_GlobalAveragePool (GlobalMaxPool)", cut.PoolingNode);
        Assert.Equal(["Gemm"], cut.RemovedNodes.Select(OpOf));
        Assert.Equal([Batch, Channels], shape);
        AssertClose(HandLayerNorm(HandPooling.Max(ConvReluNchw(images, Batch), Batch, Channels, TensorLayout.Nchw), Channels), vectors, Tolerance);
    }

    [Fact]
    public void Remove_QuantizedPoolingBeforeNorm_KeepsAverageAndRefusesMax()
    {
        var error = Assert.Throws<NotSupportedException>(() => HeadRemover.Remove(QuantizedPoolingHead(), PoolingMode.Max));
        var cut = HeadRemover.Remove(QuantizedPoolingHead(), PoolingMode.Avg);

        Assert.Contains("Model:Pooling=Avg", error.Message, StringComparison.Ordinal);
        Assert.True(cut.AlreadyPooled);
        Assert.Equal("normed_LayerNormalization (LayerNormalization)", cut.Normalization);
    }

    [Fact]
    public void Remove_PooledVectorAlsoLeavingTheGraph_IsRefusedAsAmbiguous()
    {
        var model = NhwcHead();
        model.Graph.Output.Add(OnnxBuilder.FloatValue("pooled", "batch", Channels));

        var error = Assert.Throws<NotSupportedException>(() => HeadRemover.Remove(model));

        Assert.Contains("cannot tell which one is the embedding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_HeadWithoutNorm_IsStillCutBeforeThePoolingWhateverTheMode()
    {
        var model = NhwcReduceMean();

        var cut = HeadRemover.Remove(model, PoolingMode.Gem);

        Assert.False(cut.AlreadyPooled);
        Assert.Null(cut.Normalization);
        Assert.Equal("features", cut.FeatureOutput);
    }

    [Fact]
    public void Embed_ConvNeXtHead_WritesNormalisedPooledUnitVectorsLabelledWithTheNorm()
    {
        using var file = new TempModelFile(NhwcHead());
        using var backbone = Backbone.Load(new ModelSpec(
            "convnext", file.Path, null, new PreprocessSpec(Side, Side, ResizePolicy.Squash, PreprocessMode.Raw, TensorLayout.Nhwc), PoolingMode.Avg));
        var images = OrtRunner.RandomInput(seed: 55, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images, Batch, embeddings);

        var expected = HandLayerNorm(HandPooling.Average(ConvReluNhwc(images, Batch), Batch, Channels, TensorLayout.Nhwc), Channels);
        GlobalPooling.L2NormalizeRows(expected, Channels);
        AssertClose(expected, embeddings, Tolerance);
        Assert.Equal("avg+ln", backbone.PoolingDescription);
        Assert.Equal(Channels, backbone.Width);
    }

    private static float[] HandPool(PoolingMode pooling, float[] maps, TensorLayout layout) => pooling switch
    {
        PoolingMode.Max => HandPooling.Max(maps, Batch, Channels, layout),
        PoolingMode.Gem => HandPooling.Gem(maps, Batch, Channels, layout, GlobalPooling.DefaultGemP),
        _ => HandPooling.Average(maps, Batch, Channels, layout),
    };
}
