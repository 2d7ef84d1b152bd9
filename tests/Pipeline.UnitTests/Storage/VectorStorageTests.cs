using Pipeline.Common;
using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Storage;

public sealed class VectorStorageTests
{
    [Theory]
    [InlineData(1280, StoragePrecision.Auto, "vector", VectorIndexKind.Cosine)]
    [InlineData(2048, StoragePrecision.Auto, "halfvec", VectorIndexKind.Cosine)]
    [InlineData(4000, StoragePrecision.Auto, "halfvec", VectorIndexKind.Cosine)]
    [InlineData(4032, StoragePrecision.Auto, "halfvec", VectorIndexKind.BinaryQuantized)]
    [InlineData(1280, StoragePrecision.Half, "halfvec", VectorIndexKind.Cosine)]
    [InlineData(2048, StoragePrecision.Full, "vector", VectorIndexKind.BinaryQuantized)]
    [InlineData(16000, StoragePrecision.Full, "vector", VectorIndexKind.BinaryQuantized)]
    public void For_WidthAndPrecision_PicksColumnTypeAndIndex(int dims, StoragePrecision precision, string columnType, VectorIndexKind index) =>
        Assert.Equal(new VectorStorage(columnType, dims, index), VectorStorage.For(dims, precision));

    [Theory]
    [InlineData(0)]
    [InlineData(16001)]
    public void For_WidthOutsidePgvectorLimits_IsRefused(int dims) =>
        Assert.ThrowsAny<Exception>(() => VectorStorage.For(dims, StoragePrecision.Auto));

    [Fact]
    public void Describe_BinaryQuantizedIndex_SaysPlusBit() =>
        Assert.Equal("halfvec+bit", VectorStorage.For(4032, StoragePrecision.Auto).Describe());

    [Fact]
    public void IsCompatibleWith_SameColumnReachedThroughOtherPrecision_IsTrue()
    {
        var auto = new ModelIdentity("m", new string('a', 64), "torch;short256;crop224;nchw", "avg", 1280);

        Assert.True(auto.IsCompatibleWith(auto with { Precision = StoragePrecision.Full }));
        Assert.False(auto.IsCompatibleWith(auto with { Precision = StoragePrecision.Half }));
        Assert.False(auto.IsCompatibleWith(auto with { Pooling = "gem3" }));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(10, 100)]
    [InlineData(50, 500)]
    [InlineData(200, 1000)]
    [InlineData(2000, 2000)]
    public void CandidatesFor_Top_FetchesTenTimesWithinEfSearchLimits(int top, int candidates) =>
        Assert.Equal(candidates, NeighbourSearch.CandidatesFor(top));
}
