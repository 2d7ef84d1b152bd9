using System.Security.Cryptography;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

public sealed class BackboneTests
{
    private const int Batch = 3;

    [Theory]
    [InlineData(PoolingMode.Avg)]
    [InlineData(PoolingMode.Max)]
    public void Embed_SyntheticNchwModel_WritesPooledUnitVectors(PoolingMode pooling)
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());
        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nchw, pooling));
        var images = OrtRunner.RandomInput(seed: 10, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images, Batch, embeddings);

        var expected = new float[Batch * Channels];
        HandPooling.Pool(pooling, ConvReluNchw(images, Batch), Batch, Channels, TensorLayout.Nchw, expected);
        GlobalPooling.L2NormalizeRows(expected, Channels);
        AssertClose(expected, embeddings);
        Assert.Equal(Channels, backbone.Width);
        Assert.Equal("image", backbone.InputName);
    }

    [Fact]
    public void Embed_SyntheticNhwcModel_WritesAveragePooledUnitVectors()
    {
        using var file = new TempModelFile(NhwcReduceMean());
        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nhwc, PoolingMode.Avg));
        var images = OrtRunner.RandomInput(seed: 11, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images.AsMemory(), Batch, embeddings);

        var expected = new float[Batch * Channels];
        HandPooling.Pool(PoolingMode.Avg, ConvReluNhwc(images, Batch), Batch, Channels, TensorLayout.Nhwc, expected);
        GlobalPooling.L2NormalizeRows(expected, Channels);
        AssertClose(expected, embeddings);
    }

    [Fact]
    public void Embed_GemWithoutL2_WritesHandComputedGeneralizedMeans()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());
        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nchw, PoolingMode.Gem) with { GemP = 3f, L2Normalize = false });
        var images = OrtRunner.RandomInput(seed: 13, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images, Batch, embeddings);

        AssertClose(HandPooling.Gem(ConvReluNchw(images, Batch), Batch, Channels, TensorLayout.Nchw, 3), embeddings);
        Assert.Equal("gem3;nol2", backbone.PoolingDescription);
    }

    [Fact]
    public void Load_LayoutLeftToTheModel_AdoptsTheInputShapesLayout()
    {
        using var file = new TempModelFile(NhwcReduceMean());

        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nchw, PoolingMode.Avg) with { LayoutFromModel = true });

        Assert.Equal(TensorLayout.Nhwc, backbone.Preprocess.Layout);
        Assert.Equal("raw;squash2;nhwc", backbone.Preprocess.Describe());
    }

    [Fact]
    public void Load_WidthDisagreesWithCatalogueEntry_ThrowsInvalidData()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());

        var error = Assert.Throws<InvalidDataException>(
            () => Backbone.Load(Spec(file.Path, TensorLayout.Nchw, PoolingMode.Avg) with { ExpectedWidth = 2048 }));

        Assert.Contains("2048", error.Message, StringComparison.Ordinal);
        Assert.Contains("custom", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_FlattenHeadModel_PoolsTheMapBeforeTheFlatten()
    {
        using var file = new TempModelFile(SyntheticHeads.NhwcTransposeReshapeMatMulHead());
        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nhwc, PoolingMode.Max));
        var images = OrtRunner.RandomInput(seed: 14, Batch * ImageLength);
        var embeddings = new float[Batch * Channels];

        backbone.Embed(images, Batch, embeddings);

        var expected = HandPooling.Max(ConvReluNhwc(images, Batch), Batch, Channels, TensorLayout.Nhwc);
        GlobalPooling.L2NormalizeRows(expected, Channels);
        AssertClose(expected, embeddings);
        Assert.Equal(Channels, backbone.Width);
    }

    [Fact]
    public void Embed_AlreadyPooledModel_NormalisesOutput()
    {
        using var file = new TempModelFile(AlreadyPooled());
        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nchw, PoolingMode.Avg));
        var images = OrtRunner.RandomInput(seed: 12, ImageLength);
        var embedding = new float[Classes];

        backbone.Embed(images, 1, embedding);

        Assert.True(backbone.Cut.AlreadyPooled);
        Assert.Equal(Classes, backbone.Width);
        Assert.Equal("in-model", backbone.PoolingDescription);
        Assert.Equal(1f, MathF.Sqrt(embedding.Sum(v => v * v)), 5);
    }

    [Fact]
    public void Load_MatchingSha_ExposesIdentity()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());
        var sha = Convert.ToHexStringLower(SHA256.HashData(file.Bytes));

        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nchw, PoolingMode.Avg) with { Sha256 = sha.ToUpperInvariant() });

        Assert.Equal(sha, backbone.WeightsSha256);
        Assert.Equal("synthetic", backbone.ModelId);
        Assert.Equal(PoolingMode.Avg, backbone.Pooling);
    }

    [Fact]
    public void Load_WrongSha_ThrowsInvalidData()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());
        var spec = Spec(file.Path, TensorLayout.Nchw, PoolingMode.Avg) with { Sha256 = new string('0', 64) };

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(spec));

        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LayoutDisagreesWithModel_ThrowsInvalidData()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(file.Path, TensorLayout.Nhwc, PoolingMode.Avg)));

        Assert.Contains("Nchw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_WrongInputLength_ThrowsArgument()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());
        using var backbone = Backbone.Load(Spec(file.Path, TensorLayout.Nchw, PoolingMode.Avg));

        Assert.Throws<ArgumentException>(() => backbone.Embed(new float[ImageLength + 1], 1, new float[Channels]));
    }

    private static ModelSpec Spec(string path, TensorLayout layout, PoolingMode pooling) => new(
        "synthetic",
        path,
        null,
        new PreprocessSpec(Side, Side, ResizePolicy.Squash, PreprocessMode.Raw, layout),
        pooling);
}
