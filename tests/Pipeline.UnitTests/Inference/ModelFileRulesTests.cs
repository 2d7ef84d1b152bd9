using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Catalogue;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

/// <summary>A model name never runs another model's weights: no file, or a file that contradicts its entry, is refused.</summary>
public sealed class ModelFileRulesTests
{
    [Theory]
    [InlineData("efficientnetb0", null, "catalogue entry 'efficientnetb0'")]   // same width as the bundled file (1280)
    [InlineData("resnet50", null, "catalogue entry 'resnet50'")]
    [InlineData("photos_v1", "inceptionv3", "catalogue entry 'inceptionv3'")]
    [InlineData("resnet34", null, "names no catalogue entry")]                 // not in the catalogue
    [InlineData("photos_v1", null, "names no catalogue entry")]
    [InlineData("photos_v1", "custom", "names no catalogue entry")]
    public void MissingModelFile_IdOrBackboneWithoutShippedFile_NamesTheReason(string id, string? backbone, string expected)
    {
        var options = new ModelOptions { Id = id, Backbone = backbone };

        var problem = options.MissingModelFile();

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains("Model:Path", problem, StringComparison.Ordinal);
        var thrown = Assert.Throws<InvalidOperationException>(options.ToSpec);
        Assert.Equal(problem, thrown.Message);
    }

    [Theory]
    [InlineData("mobilenetv2", null)]
    [InlineData("photos_v1", "mobilenetv2")]   // own id, the bundled backbone named: the file serves its entry
    public void MissingModelFile_ShippedEntry_IsNull(string id, string? backbone)
    {
        var options = new ModelOptions { Id = id, Backbone = backbone };

        Assert.Null(options.MissingModelFile());
        Assert.Equal(BackboneCatalogue.Find("mobilenetv2")!.ShippedModel!.FullPath, options.ToSpec().Path);
    }

    [Fact]
    public void MissingModelFile_AnyEntryWithAPath_IsNull() =>
        Assert.Null(new ModelOptions { Id = "efficientnetb0", Path = "/models/effnet.onnx" }.MissingModelFile());

    [Fact]
    public void MissingModelFile_ShippedModels_ServeOnlyTheirOwnEntry()
    {
        var shipped = BackboneCatalogue.All.Where(e => e.ShippedModel is not null).ToList();

        Assert.Contains(shipped, e => e.Name == ModelOptions.BundledId);
        Assert.Equal(shipped.Count, shipped.Select(e => e.ShippedModel!.RelativePath).Distinct().Count());
        Assert.All(shipped, e => Assert.Matches("^[0-9a-f]{64}$", e.ShippedModel!.Sha256));
    }

    [Fact]
    public void Load_FileLayoutContradictsTheEntry_IsRefusedNamingBoth()
    {
        // A torch.onnx (NCHW) export named after a Keras (NHWC) entry would get the entry's caffe preprocessing.
        using var file = new TempModelFile(NchwGlobalAveragePool());
        var spec = new ModelOptions { Id = "resnet50", Path = file.Path, InputSize = Side, ResizeShortSide = Side }.ToSpec();

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(spec));

        Assert.Contains("Nchw", error.Message, StringComparison.Ordinal);
        Assert.Contains("'resnet50' describes a Nhwc export", error.Message, StringComparison.Ordinal);
        Assert.Contains("Model:Preprocess", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EntryPreprocessingOverridden_TakesTheFilesLayoutAndChecksTheWidth()
    {
        using var file = new TempModelFile(NchwGlobalAveragePool());
        var spec = new ModelOptions
        {
            Id = "resnet50", Path = file.Path, InputSize = Side, ResizeShortSide = Side, Preprocess = PreprocessMode.Torch,
        }.ToSpec();

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(spec));

        Assert.Null(spec.EntryLayout);
        Assert.Contains($"gives {Channels}-wide features, but its catalogue entry promises 2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileInputSizeContradictsTheEntry_IsRefused()
    {
        using var file = new TempModelFile(NhwcFixedSide());
        var spec = new ModelOptions { Id = "inceptionv3", Path = file.Path }.ToSpec();

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(spec));

        Assert.Contains("does not take 299×299 images", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWidthContradictsTheEntry_IsRefused()
    {
        using var file = new TempModelFile(NhwcReduceMean());
        var spec = new ModelOptions { Id = "mobilenet", Path = file.Path, InputSize = Side, ResizeShortSide = Side }.ToSpec();

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(spec));

        Assert.Contains($"gives {Channels}-wide features, but its catalogue entry promises 1024", error.Message, StringComparison.Ordinal);
    }

    // NhwcReduceMean with a fixed 2×2 input (its spatial size declared, as exporters with a fixed size write it).
    private static Pipeline.Common.Inference.Onnx.ModelProto NhwcFixedSide()
    {
        var model = NhwcReduceMean();
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[1].DimValue = Side;
        dims[2].DimValue = Side;
        return model;
    }
}
