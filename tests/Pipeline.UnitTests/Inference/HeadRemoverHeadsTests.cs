using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;
using static Pipeline.UnitTests.Inference.SyntheticHeads;

namespace Pipeline.UnitTests.Inference;

/// <summary>Head removal on the heads real exporters emit; after the cut, pooling the output gives the hand-pooled features.</summary>
public sealed class HeadRemoverHeadsTests
{
    private const int Batch = 2;

    [Fact]
    public void Remove_Conv1x1Head_CutsAtGlobalAveragePool()
    {
        var model = NchwConv1x1Head();
        var images = OrtRunner.RandomInput(seed: 30, Batch * ImageLength);
        AssertClassifierRuns(model, images, [Batch, 3, Side, Side]);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(["GlobalAveragePool", "Conv", "Flatten", "Softmax"], cut.RemovedNodes.Select(OpOf));
        Assert.Equal([Batch, Channels, Side, Side], shape);
        AssertPoolsLikeHand(ConvReluNchw(images, Batch), maps, TensorLayout.Nchw);
    }

    [Fact]
    public void Remove_FlattenGemmHeadWithoutPooling_CutsBeforeFlatten()
    {
        var model = NchwFlattenGemmHead();
        var images = OrtRunner.RandomInput(seed: 31, Batch * ImageLength);
        AssertClassifierRuns(model, images, [Batch, 3, Side, Side]);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.False(cut.AlreadyPooled);
        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal("flat_Flatten (Flatten)", cut.PoolingNode);
        Assert.Equal(["Flatten", "Gemm", "Relu", "Gemm", "Softmax"], cut.RemovedNodes.Select(OpOf));
        Assert.Equal([Batch, Channels, Side, Side], shape);
        AssertPoolsLikeHand(ConvReluNchw(images, Batch), maps, TensorLayout.Nchw);
    }

    [Fact]
    public void Remove_NhwcTransposeReshapeMatMulHead_CutsBeforeReshapeKeepingNhwc()
    {
        var model = NhwcTransposeReshapeMatMulHead();
        var images = OrtRunner.RandomInput(seed: 32, Batch * ImageLength);
        AssertClassifierRuns(model, images, [Batch, Side, Side, 3]);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, Side, Side, 3]);

        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nhwc, cut.Layout);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(["Reshape", "MatMul", "Add", "Softmax"], cut.RemovedNodes.Select(OpOf));
        Assert.Equal([Batch, Side, Side, Channels], shape);
        AssertPoolsLikeHand(ConvReluNhwc(images, Batch), maps, TensorLayout.Nhwc);
    }

    [Fact]
    public void Remove_QdqHead_CutsAtTheDequantizedMapBeforeFloatPooling()
    {
        var model = QdqHead();
        var images = OrtRunner.RandomInput(seed: 33, Batch * ImageLength);
        AssertClassifierRuns(model, images, [Batch, 3, Side, Side]);

        var cut = HeadRemover.Remove(model);
        var (maps, _) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal("pooled_GlobalAveragePool (GlobalAveragePool)", cut.PoolingNode);
        Assert.Equal(["Conv", "Relu", "QuantizeLinear", "DequantizeLinear"], model.Graph.Node.Select(n => n.OpType));
        AssertPoolsLikeHand([.. ConvReluNchw(images, Batch).Select(QuantizeDequantize)], maps, TensorLayout.Nchw);
    }

    [Fact]
    public void Remove_QLinearMatMulAddHead_DequantizesTheQuantizedMap()
    {
        var model = QLinearClassifierHead();
        // Multiples of 0.5 in [-4, 4] survive the input quantization (scale 0.5, zero point 128) exactly.
        var images = OrtRunner.RandomInput(seed: 34, Batch * ImageLength, -4f, 4f).Select(v => MathF.Round(v * 2f) / 2f).ToArray();
        AssertClassifierRuns(model, images, [Batch, 3, Side, Side]);

        var cut = HeadRemover.Remove(model);
        var (maps, _) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("image_q_features", cut.FeatureOutput);
        Assert.Equal(
            ["com.microsoft.QLinearGlobalAveragePool", "Reshape", "QLinearMatMul", "com.microsoft.QLinearAdd", "DequantizeLinear"],
            cut.RemovedNodes.Select(OpOf));
        AssertPoolsLikeHand(images, maps, TensorLayout.Nchw, channels: 3);
    }

    [Fact]
    public void Remove_FlattenFeedingNoDenseLayer_IsTakenAsAlreadyHeadless()
    {
        var model = NchwFlattenGemmHead();
        var graph = model.Graph;
        while (graph.Node[^1].OpType != "Flatten")
        {
            graph.Node.RemoveAt(graph.Node.Count - 1);
        }

        graph.Output.Clear();
        graph.Output.Add(OnnxBuilder.FloatValue("flat", "batch", Channels * Side * Side));

        var cut = HeadRemover.Remove(model);

        Assert.True(cut.AlreadyPooled);
        Assert.Equal(Channels * Side * Side, cut.Channels);
    }

    internal static string OpOf(string removed) => removed[(removed.LastIndexOf('(') + 1)..^1];

    // The synthetic classifier is valid ONNX before any cut: it runs and gives one row of class scores per image.
    internal static void AssertClassifierRuns(ModelProto model, float[] images, long[] shape)
    {
        var (_, outputShape) = OrtRunner.Run(OnnxBuilder.Copy(model), images, shape);
        Assert.Equal([shape[0], Classes], outputShape);
    }

    private static void AssertPoolsLikeHand(float[] expectedMaps, float[] maps, TensorLayout layout, int channels = Channels)
    {
        AssertClose(expectedMaps, maps);
        var average = new float[Batch * channels];
        var max = new float[Batch * channels];
        HandPooling.Pool(PoolingMode.Avg, maps, Batch, channels, layout, average);
        HandPooling.Pool(PoolingMode.Max, maps, Batch, channels, layout, max);
        AssertClose(HandPooling.Average(expectedMaps, Batch, channels, layout), average);
        AssertClose(HandPooling.Max(expectedMaps, Batch, channels, layout), max);
    }
}
