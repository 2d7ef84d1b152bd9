using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Storage;

public sealed class VectorColumnTypeTests
{
    [Theory]
    [InlineData(1, "vector")]
    [InlineData(1280, "vector")]
    [InlineData(2000, "vector")]
    [InlineData(2001, "halfvec")]
    [InlineData(4000, "halfvec")]
    public void For_Width_FollowsPgvectorHnswLimits(int dims, string expected) => Assert.Equal(expected, VectorColumnType.For(dims));

    [Fact]
    public void For_WidthAbove4000_IsHalfvecNotTruncated() => Assert.Equal("halfvec", VectorColumnType.For(4032));

    [Fact]
    public void For_WidthAbovePgvectorStorageLimit_IsRefusedNotTruncated() => Assert.Throws<NotSupportedException>(() => VectorColumnType.For(16001));

    [Theory]
    [InlineData("mobilenetv2", "embeddings_mobilenetv2")]
    [InlineData("resnet50_v2", "embeddings_resnet50_v2")]
    public void TableFor_ValidId_PrefixesEmbeddings(string id, string table) => Assert.Equal(table, ModelIdentity.TableFor(id));

    [Theory]
    [InlineData("Robert'); DROP TABLE jobs;--")]
    [InlineData("MobileNet")]
    [InlineData("1model")]
    [InlineData("")]
    [InlineData("a-b")]
    public void TableFor_UnsafeId_Throws(string id) => Assert.Throws<ArgumentException>(() => ModelIdentity.TableFor(id));
}
