using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

public sealed class HeadRemoverTests
{
    private const int Batch = 2;

    [Fact]
    public void Remove_NchwGlobalAveragePoolHead_OutputsReluFeatureMap()
    {
        var model = NchwGlobalAveragePool();
        var images = OrtRunner.RandomInput(seed: 1, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        Assert.Equal(Channels, cut.Channels);
        Assert.False(cut.AlreadyPooled);
        Assert.Equal("pooled_GlobalAveragePool (GlobalAveragePool)", cut.PoolingNode);
        Assert.Equal(
            ["pooled_GlobalAveragePool (GlobalAveragePool)", "flat_Flatten (Flatten)", "logits_Gemm (Gemm)", "probs_Softmax (Softmax)"],
            cut.RemovedNodes);
        Assert.Equal([Batch, Channels, Side, Side], shape);
        AssertClose(ConvReluNchw(images, Batch), maps);
    }

    [Fact]
    public void Remove_NchwGlobalAveragePoolHead_PrunesHeadWeightsAndDeclaresFloatOutput()
    {
        var model = NchwGlobalAveragePool();

        HeadRemover.Remove(model);

        Assert.Equal(["conv_w", "conv_b"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["Conv", "Relu"], model.Graph.Node.Select(n => n.OpType));
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal((int)TensorProto.Types.DataType.Float, output.Type.TensorType.ElemType);
        var dims = output.Type.TensorType.Shape.Dim;
        Assert.Equal(4, dims.Count);
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal(Channels, dims[1].DimValue);
    }

    [Fact]
    public void PoolOutput_NchwFeatureMap_PoolsInTheGraphToHandComputedAverageAndMax()
    {
        // One image, channel c at pixel s: W·x + b by hand with x = (1, 2, 3) at every pixel but the last, (-1, 0, 4) there.
        float[] image = [1, 1, 1, -1, 2, 2, 2, 0, 3, 3, 3, 4];
        float[] Pooled(PoolingMode mode)
        {
            var model = NchwGlobalAveragePool();
            PoolingRewriter.PoolOutput(model, HeadRemover.Remove(model), mode, GlobalPooling.DefaultGemP);
            var (pooled, shape) = OrtRunner.Run(model, image, [1, 3, Side, Side]);
            Assert.Equal([1L, Channels], shape);
            return pooled;
        }

        var average = Pooled(PoolingMode.Avg);
        var max = Pooled(PoolingMode.Max);

        // Pixels 0-2: (2.1, 0.3, 2.0, 1.3); pixel 3: (0, 0, 5.0, 1.8) after ReLU (raw -0.9, -2.2, 5, 1.8).
        AssertClose([6.3f / 4, 0.9f / 4, 11f / 4, 5.7f / 4], average);
        AssertClose([2.1f, 0.3f, 5f, 1.8f], max);
    }

    [Fact]
    public void Remove_NhwcReduceMeanHead_OutputsFeatureMapBeforeReduce()
    {
        var model = NhwcReduceMean();
        var images = OrtRunner.RandomInput(seed: 2, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, Side, Side, 3]);

        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nhwc, cut.Layout);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(["MatMul", "Add", "Relu"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal([Batch, Side, Side, Channels], shape);
        AssertClose(ConvReluNhwc(images, Batch), maps);
    }

    [Fact]
    public void Remove_Opset18ReduceMaxWithAxesInput_CutsAndPrunesAxes()
    {
        var model = NhwcReduceMaxAxesInput();
        var images = OrtRunner.RandomInput(seed: 3, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (maps, _) = OrtRunner.Run(model, images, [Batch, Side, Side, 3]);

        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nhwc, cut.Layout);
        Assert.Equal("pooled_ReduceMax (ReduceMax)", cut.PoolingNode);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "spatial_axes");
        AssertClose(ConvReluNhwc(images, Batch), maps);
    }

    [Fact]
    public void Remove_QuantizedHeadWithoutDequantizedMap_InsertsDequantizeLinear()
    {
        var model = QuantizedGlobalAveragePool(dequantizeMapForShape: false);
        var images = HalfSteps(seed: 4, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (maps, shape) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("image_q_features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        Assert.Equal(3, cut.Channels);
        Assert.Equal(["QuantizeLinear", "DequantizeLinear"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["image_q", "x_scale", "x_zero_point"], model.Graph.Node[1].Input);
        Assert.Equal([Batch, 3, Side, Side], shape);
        Assert.Equal(images, maps);
    }

    [Fact]
    public void Remove_QuantizedHeadWithDequantizedMap_ReusesExistingDequantizeLinear()
    {
        var model = QuantizedGlobalAveragePool(dequantizeMapForShape: true);
        var images = HalfSteps(seed: 5, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (maps, _) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("image_dq", cut.FeatureOutput);
        Assert.Equal(["image_q_QuantizeLinear", "image_dq_DequantizeLinear"], model.Graph.Node.Select(n => n.Name));
        Assert.Contains("Reshape", cut.Describe(), StringComparison.Ordinal);
        Assert.Equal(["x_scale", "x_zero_point"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(images, maps);
    }

    [Fact]
    public void Remove_HalfPrecisionFeatureMap_InsertsCastToFloat()
    {
        var model = HalfPrecisionGlobalAveragePool();
        var images = HalfSteps(seed: 6, Batch * ImageLength);

        var cut = HeadRemover.Remove(model);
        var (maps, _) = OrtRunner.Run(model, images, [Batch, 3, Side, Side]);

        Assert.Equal("image_half_features", cut.FeatureOutput);
        Assert.Equal(["Cast", "Cast"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(3, cut.Channels);
        Assert.Equal(images, maps);
    }

    [Fact]
    public void Remove_SqueezeExciteBeforeHead_CutsAtLastPooling()
    {
        var model = NchwSqueezeExcite();

        var cut = HeadRemover.Remove(model);

        Assert.Equal("b", cut.FeatureOutput);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(["Conv", "Relu", "GlobalAveragePool", "Sigmoid", "Mul"], model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Remove_OutputAlreadyPooled_KeepsGraph()
    {
        var model = AlreadyPooled();
        var before = OnnxBuilder.Copy(model);

        var cut = HeadRemover.Remove(model);

        Assert.True(cut.AlreadyPooled);
        Assert.Equal("embedding", cut.FeatureOutput);
        Assert.Equal(Classes, cut.Channels);
        Assert.Empty(cut.RemovedNodes);
        Assert.Equal(before, model);
        Assert.StartsWith("already headless", cut.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_OutputAlreadyFeatureMap_KeepsItAsFeatureMap()
    {
        var model = FeatureMapOutput();
        var before = OnnxBuilder.Copy(model);

        var cut = HeadRemover.Remove(model);

        Assert.False(cut.AlreadyPooled);
        Assert.Null(cut.PoolingNode);
        Assert.Equal("features", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        Assert.Equal(Channels, cut.Channels);
        Assert.Equal(before, model);
    }

    [Fact]
    public void Remove_NoPoolingAndRank3Output_ThrowsNotSupported()
    {
        var model = Rank3Output();

        var error = Assert.Throws<NotSupportedException>(() => HeadRemover.Remove(model));

        Assert.Contains("'out'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[batch, 3, 4]", error.Message, StringComparison.Ordinal);
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"Index {i}: expected {expected[i]}, got {actual[i]}.");
        }
    }

    // Multiples of 0.5 in [-4, 4]: exact through the synthetic model's quantization.
    internal static float[] HalfSteps(int seed, int length) =>
        [.. OrtRunner.RandomInput(seed, length, -4f, 4f).Select(v => MathF.Round(v * 2f) / 2f)];
}
