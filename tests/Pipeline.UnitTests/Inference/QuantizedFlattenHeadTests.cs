using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverHeadsTests;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;
using static Pipeline.UnitTests.Inference.SyntheticQuantizedHeads;

namespace Pipeline.UnitTests.Inference;

/// <summary>Quantized heads without pooling: the cut map comes out as floats, dequantized with the map's own scale.</summary>
public sealed class QuantizedFlattenHeadTests
{
    private const int Batch = 2;

    [Fact]
    public void Remove_QLinearConvFlattenQLinearMatMul_DequantizesTheMapWithTheDenseLayersInputScale()
    {
        var model = QLinearConvFlattenMatMul();
        var images = HalfSteps(seed: 40, Batch * ImageLength);
        AssertClassifierRuns(model, images, [Batch, 3, Side, Side]);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("flat_q_Flatten (Flatten)", cut.PoolingNode);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        var dequantize = model.Graph.Node[^1];
        Assert.Equal("DequantizeLinear", dequantize.OpType);
        Assert.Equal(["features_q", "map_scale", "map_zero_point"], dequantize.Input);
        Assert.Equal(cut.FeatureOutput, dequantize.Output[0]);
        Assert.Equal([Batch, Channels, Side, Side], shape);
        AssertClose(ConvReluNchw(images, Batch, bias: false), maps);
    }

    [Fact]
    public void Remove_QuantizeLinearFlattenQGemm_DequantizesTheMapWithItsScale()
    {
        var model = QuantizedFlattenQGemm();
        var images = OrtRunner.RandomInput(seed: 41, Batch * ImageLength);
        AssertClassifierRuns(model, images, [Batch, 3, Side, Side]);

        var cut = HeadRemover.Remove(model);
        var (maps, _) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(["Flatten", "com.microsoft.QGemm"], cut.RemovedNodes.Select(OpOf));
        AssertClose([.. ConvReluNchw(images, Batch).Select(SyntheticHeads.QuantizeDequantize)], maps);
    }

    [Theory]
    [InlineData(PoolingMode.Avg)]
    [InlineData(PoolingMode.Max)]
    public void Load_QuantizedFlattenHead_WarmsUpAndEmbedsThePooledDequantizedMap(PoolingMode pooling)
    {
        using var file = new TempModelFile(QLinearConvFlattenMatMul());
        using var backbone = Backbone.Load(new ModelSpec(
            "quantized", file.Path, null, new PreprocessSpec(Side, Side, ResizePolicy.Squash, PreprocessMode.Raw, TensorLayout.Nchw), pooling));
        var images = HalfSteps(seed: 42, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images, Batch, embeddings);

        var maps = ConvReluNchw(images, Batch, bias: false);
        var expected = pooling == PoolingMode.Max
            ? HandPooling.Max(maps, Batch, Channels, TensorLayout.Nchw)
            : HandPooling.Average(maps, Batch, Channels, TensorLayout.Nchw);
        GlobalPooling.L2NormalizeRows(expected, Channels);
        AssertClose(expected, embeddings);
        Assert.Equal(Channels, backbone.Width);
    }
}
