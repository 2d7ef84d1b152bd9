using System.Text.Json;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.UnitTests.Inference;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// Head removal on real exporter graphs: torchvision classifiers exported by torch.onnx (Debian's torch 1.13, seeded
/// random weights, dynamic batch axis; scripts/references/export_torchvision.py) must give, through the worker's cut,
/// pooling and L2, the direction of torch's own include_top=False features (the layers up to and including the global
/// pooling) for the same input.
/// </summary>
public sealed class ExporterGraphTests
{
    private const double MinCosine = 0.99999;
    private const string Script = "export_torchvision";

    public static TheoryData<string, int> Models => new()
    {
        { "resnet50", 2048 },
        { "vgg16", 512 },
        { "alexnet", 256 },
        { "densenet121", 1024 },
        { "inception_v3", 2048 },
        { "googlenet", 1024 },
        { "mobilenet_v2", 1280 },
        { "mobilenet_v3_large", 960 },
        { "efficientnet_b0", 1280 },
        { "convnext_tiny", 768 },
        // The classifier (Conv 1x1 to 1000 classes, ReLU) comes before the pooling: the cut removes it.
        { "squeezenet1_1", 512 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Embed_TorchvisionExport_MatchesTorchsIncludeTopFalseFeatures(string name, int width)
    {
        var export = Exports().Single(e => e.GetProperty("name").GetString() == name);
        var side = export.GetProperty("side").GetInt32();
        var batch = export.GetProperty("batch").GetInt32();
        var options = new ModelOptions
        {
            Id = "export_test",
            Backbone = "custom",
            Path = ReferenceFiles.PathOf(Script, name + ".onnx"),
            InputSize = side,
            ResizeShortSide = side,
            Preprocess = PreprocessMode.Torch,
        };
        using var backbone = Backbone.Load(options.ToSpec());
        var input = ReferenceFiles.ReadFloats(Script, name + ".input.f32");
        var reference = ReferenceFiles.ReadFloats(Script, name + ".features.f32");

        var embeddings = new float[batch * backbone.Width];
        backbone.Embed(input, batch, embeddings);
        var single = new float[backbone.Width];
        backbone.Embed(input.AsMemory(0, input.Length / batch), 1, single);

        Assert.Equal(width, backbone.Width);
        Assert.Equal(width, export.GetProperty("width").GetInt32());
        Assert.NotEqual(export.GetProperty("classes").GetInt32(), backbone.Width);
        Assert.NotEmpty(backbone.Cut.RemovedLearnedLayers);
        for (var i = 0; i < batch; i++)
        {
            var cosine = VectorMath.Cosine(embeddings.AsSpan(i * width, width), reference.AsSpan(i * width, width));
            Assert.True(cosine >= MinCosine, $"{name} image {i}: cosine {cosine:F7} < {MinCosine} ({backbone.Cut.Describe()})");
        }

        // The batch axis is dynamic: one image alone gives the same vector as in the batch.
        Assert.True(VectorMath.Cosine(single, embeddings.AsSpan(0, width)) >= 0.999999, $"{name}: batch of 1 differs from batch of {batch}");
    }

    [Fact]
    public void Load_SqueezeNet_CutsTheClassifierConvolutionBeforeThePooling()
    {
        var options = new ModelOptions { Id = "squeeze", Backbone = "custom", Path = ReferenceFiles.PathOf(Script, "squeezenet1_1.onnx") };
        using var backbone = Backbone.Load(options.ToSpec());

        Assert.Equal(512, backbone.Width);
        Assert.Equal(1000, backbone.Cut.Classes);
        var conv = Assert.Single(backbone.Cut.RemovedLearnedLayers);
        Assert.EndsWith("(Conv)", conv, StringComparison.Ordinal);
        Assert.Contains($"cut before {conv}", backbone.Cut.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ClassifierDeclaredHeadless_IsRefusedNamingTheClassifier()
    {
        var options = new ModelOptions
        {
            Id = "resnet_headless", Backbone = "custom", Path = ReferenceFiles.PathOf(Script, "resnet50.onnx"), Headless = true,
        };

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(options.ToSpec()));

        Assert.Contains("Model:Headless=true", error.Message, StringComparison.Ordinal);
        Assert.Contains("(Gemm)", error.Message, StringComparison.Ordinal);
    }

    private static List<JsonElement> Exports()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceFiles.PathOf(Script, "exports.json")));
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
