using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;

namespace Pipeline.UnitTests.Inference;

/// <summary>L2 normalisation (pooling itself runs in the graph: see BackboneTests, HeadRemoverHeadsTests) and unknown modes.</summary>
public sealed class GlobalPoolingTests
{
    [Fact]
    public void PoolOutput_UnknownMode_ThrowsInsteadOfAveraging()
    {
        var model = SyntheticClassifiers.NchwGlobalAveragePool();
        var cut = Pipeline.Common.Inference.Onnx.HeadRemover.Remove(model);

        Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline.Common.Inference.Onnx.PoolingRewriter.PoolOutput(model, cut, (PoolingMode)7, 3f));
    }

    [Fact]
    public void DescribePooling_UnknownMode_Throws() =>
        Assert.Throws<InvalidOperationException>(() => (BundledModel.Spec() with { Pooling = (PoolingMode)7 }).DescribePooling());

    [Fact]
    public void L2Normalize_ThreeFour_BecomesUnitLength()
    {
        float[] vector = [3, 4];

        GlobalPooling.L2Normalize(vector);

        AssertClose([0.6f, 0.8f], vector, 1e-7f);
    }

    [Fact]
    public void L2Normalize_ZeroVector_StaysZero()
    {
        float[] vector = [0, 0, 0];

        GlobalPooling.L2Normalize(vector);

        Assert.Equal([0f, 0f, 0f], vector);
    }

    [Fact]
    public void L2NormalizeRows_TwoRows_NormalisesEachAndLeavesZeroRow()
    {
        float[] vectors = [0, 0, 6, 8];

        GlobalPooling.L2NormalizeRows(vectors, width: 2);

        AssertClose([0f, 0f, 0.6f, 0.8f], vectors, 1e-7f);
    }
}
