using Pipeline.Common.Inference;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;

namespace Pipeline.UnitTests.Inference;

public sealed class GlobalPoolingTests
{
    // Two channels over three positions: channel 0 = (1, 5, 3), channel 1 = (-2, -4, 0).
    private static readonly float[] Nchw = [1, 5, 3, -2, -4, 0];
    private static readonly float[] Nhwc = [1, -2, 5, -4, 3, 0];

    [Fact]
    public void Average_Nchw_MeansEachChannel()
    {
        var pooled = new float[2];

        GlobalPooling.Average(Nchw, TensorLayout.Nchw, pooled);

        Assert.Equal([3f, -2f], pooled);
    }

    [Fact]
    public void Average_Nhwc_MeansEachChannel()
    {
        var pooled = new float[2];

        GlobalPooling.Average(Nhwc, TensorLayout.Nhwc, pooled);

        Assert.Equal([3f, -2f], pooled);
    }

    [Fact]
    public void Max_Nchw_TakesChannelMaximum()
    {
        var pooled = new float[2];

        GlobalPooling.Max(Nchw, TensorLayout.Nchw, pooled);

        Assert.Equal([5f, 0f], pooled);
    }

    [Fact]
    public void Max_Nhwc_TakesChannelMaximum()
    {
        var pooled = new float[2];

        GlobalPooling.Max(Nhwc, TensorLayout.Nhwc, pooled);

        Assert.Equal([5f, 0f], pooled);
    }

    [Theory]
    [InlineData(TensorLayout.Nchw)]
    [InlineData(TensorLayout.Nhwc)]
    public void GeneralizedMean_P3_IsCubeRootOfMeanCubeWithNegativesClampedToEpsilon(TensorLayout layout)
    {
        var pooled = new float[2];

        GlobalPooling.GeneralizedMean(layout == TensorLayout.Nchw ? Nchw : Nhwc, layout, 3f, pooled);

        // Channel 0: ((1 + 125 + 27) / 3)^(1/3) = 51^(1/3); channel 1: all ≤ 0, so (ε³)^(1/3) = ε.
        Assert.Equal(Math.Cbrt(51), pooled[0], 5);
        Assert.Equal(1e-6, pooled[1], 9);
    }

    [Fact]
    public void GeneralizedMean_P1_IsTheAverageOfClampedValues()
    {
        float[] map = [1, 5, 3, 2, 4, 0];
        var pooled = new float[2];

        GlobalPooling.GeneralizedMean(map, TensorLayout.Nchw, 1f, pooled);

        Assert.Equal(3f, pooled[0], 5);
        Assert.Equal((2 + 4 + 1e-6) / 3, pooled[1], 5);
    }

    [Fact]
    public void GeneralizedMean_LargeP_ApproachesTheMaximum()
    {
        var pooled = new float[2];

        GlobalPooling.GeneralizedMean(Nchw, TensorLayout.Nchw, 30f, pooled);

        Assert.Equal(5 * Math.Pow(1 / 3.0, 1 / 30.0), pooled[0], 3);
    }

    [Fact]
    public void GeneralizedMean_NonPositiveP_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GlobalPooling.GeneralizedMean(Nchw, TensorLayout.Nchw, 0f, new float[2]));

    [Fact]
    public void Pool_GemBatchOfTwo_MatchesHandComputation()
    {
        float[] maps = [.. Nhwc, .. Nhwc.Select(v => (v * 2) + 1)];
        var pooled = new float[4];

        GlobalPooling.Pool(PoolingMode.Gem, maps, count: 2, channels: 2, TensorLayout.Nhwc, pooled, gemP: 2.5f);

        AssertClose(HandPooling.Gem(maps, 2, 2, TensorLayout.Nhwc, 2.5), pooled, 1e-5f);
    }

    [Fact]
    public void Pool_BatchOfTwo_PoolsEachMapIntoItsRow()
    {
        float[] maps = [.. Nchw, .. Nchw.Select(v => v * 10)];
        var pooled = new float[4];

        GlobalPooling.Pool(PoolingMode.Avg, maps, count: 2, channels: 2, TensorLayout.Nchw, pooled);

        Assert.Equal([3f, -2f, 30f, -20f], pooled);
    }

    [Fact]
    public void Pool_WrongOutputLength_Throws()
    {
        var pooled = new float[3];

        Assert.Throws<ArgumentException>(() =>
            GlobalPooling.Pool(PoolingMode.Max, Nchw, count: 1, channels: 2, TensorLayout.Nchw, pooled));
    }

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
