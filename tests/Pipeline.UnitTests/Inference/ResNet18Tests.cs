using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Catalogue;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// The <c>resnet18</c> entry: NuGet's real ResNet18 (CNTK, fixed batch 1, already pooled) behind its preprocessing graph,
/// loaded by name from the build output with no Model:Path.
/// </summary>
public sealed class ResNet18Tests
{
    private static readonly ShippedModel Files = BackboneCatalogue.Find("resnet18")!.ShippedModel!;

    [Fact]
    public void Embed_SameTensors_EqualThePackagesTwoGraphsRunOneAfterTheOther()
    {
        using var backbone = Backbone.Load(new ModelOptions { Id = "resnet18" }.ToSpec());
        var preprocessor = new ImagePreprocessor();
        string[] photos = ["dog.jpg", "eagle.jpg", "coffee.png"];
        var tensors = new float[photos.Length * backbone.Preprocess.TensorLength];
        for (var i = 0; i < photos.Length; i++)
        {
            preprocessor.DecodeInto(
                File.ReadAllBytes(RepoPaths.File("samples", "images", photos[i])),
                backbone.Preprocess,
                tensors.AsSpan(i * backbone.Preprocess.TensorLength, backbone.Preprocess.TensorLength));
        }

        var embeddings = new float[photos.Length * 512];
        backbone.Embed(tensors, photos.Length, embeddings);   // one batch of three: the batch axis is dynamic

        for (var i = 0; i < photos.Length; i++)
        {
            var image = tensors.AsSpan(i * backbone.Preprocess.TensorLength, backbone.Preprocess.TensorLength).ToArray();
            var prepared = OrtRunner.Run(File.ReadAllBytes(Files.PreprocessingFullPath!), image, [1, 3, 224, 224]);
            var (features, shape) = OrtRunner.Run(File.ReadAllBytes(Files.FullPath), prepared.Values, prepared.Shape);

            Assert.Equal([1, 512, 1, 1], shape);
            var cosine = VectorMath.Cosine(embeddings.AsSpan(i * 512, 512), features);
            Assert.True(cosine >= 0.99999, $"{photos[i]}: cosine {cosine:F7}");
        }

        Assert.Equal(512, backbone.Width);
        Assert.Equal("raw;short224;crop224;nchw", backbone.Preprocess.Describe());
        Assert.Equal(Files.Sha256, backbone.WeightsSha256);
    }

    [Fact]
    public void Embed_SamplePhotos_MotorcyclesAreEachOthersNearestNeighbours()
    {
        using var backbone = Backbone.Load(new ModelOptions { Id = "resnet18" }.ToSpec());
        var preprocessor = new ImagePreprocessor();
        var files = Directory.GetFiles(RepoPaths.File("samples", "images"))
            .Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var tensor = new float[backbone.Preprocess.TensorLength];
        var vectors = files.Select(f =>
        {
            preprocessor.DecodeInto(File.ReadAllBytes(f), backbone.Preprocess, tensor);
            var vector = new float[backbone.Width];
            backbone.Embed(tensor.AsMemory(), 1, vector);
            return vector;
        }).ToArray();

        string Nearest(string name)
        {
            var i = Array.FindIndex(files, f => Path.GetFileName(f) == name);
            return Path.GetFileName(files[Enumerable.Range(0, files.Length).Where(j => j != i).MaxBy(j => VectorMath.Cosine(vectors[i], vectors[j]))]);
        }

        Assert.True(files.Length >= 10);
        Assert.Equal("motorcycle_right.png", Nearest("motorcycle_left.png"));
        Assert.Equal("motorcycle_left.png", Nearest("motorcycle_right.png"));
    }

    [Fact]
    public void Load_ResNet18WithoutHeadlessSetting_IsAFeatureExtractor()
    {
        var spec = new ModelOptions { Id = "photos_r18", Backbone = "resnet18" }.ToSpec();

        using var backbone = Backbone.Load(spec);

        Assert.Equal(true, spec.Headless);
        Assert.Empty(backbone.Cut.RemovedLearnedLayers);
        Assert.Equal(Files.FullPath, spec.Path);
    }
}
