using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Pipeline.Common;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

public sealed class ModelOptionsTests
{
    [Fact]
    public void ToSpec_Defaults_AreTheBundledModelWithTorchPreprocessing()
    {
        var spec = new ModelOptions().ToSpec();
        Assert.Equal("mobilenetv2", spec.Id);
        Assert.EndsWith("models/mobilenetv2-12-int8.onnx", spec.Path, StringComparison.Ordinal);
        Assert.Equal(ModelOptions.BundledSha256, spec.Sha256);
        Assert.Equal("torch;short256;crop224;nchw", spec.Preprocess.Describe());
        Assert.Equal(3 * 224 * 224, spec.Preprocess.TensorLength);
    }

    [Fact]
    public void ToSpec_OwnModel_HasNoExpectedHashUnlessGiven()
    {
        var spec = new ModelOptions { Id = "own", Path = "/models/r50.onnx", Preprocess = PreprocessMode.Caffe, Resize = ResizePolicy.Squash }.ToSpec();
        Assert.Null(spec.Sha256);
        Assert.Equal("caffe;squash224;nchw", spec.Preprocess.Describe());
    }

    [Fact]
    public void ToSpec_IdIsACatalogueName_TakesTheEntrysDefaults()
    {
        var spec = new ModelOptions { Id = "resnet50", Path = "/models/r50.onnx" }.ToSpec();

        Assert.Equal("caffe;squash224;nhwc", spec.Preprocess.Describe());
        Assert.Equal(2048, spec.ExpectedWidth);
        Assert.True(spec.LayoutFromModel);
    }

    [Fact]
    public void ToSpec_BackboneNamesTheEntry_IdStillNamesTheTable()
    {
        var spec = new ModelOptions { Id = "photos_v1", Backbone = "inceptionv3", Path = "/m.onnx" }.ToSpec();

        Assert.Equal("photos_v1", spec.Id);
        Assert.Equal("tf;squash299;nhwc", spec.Preprocess.Describe());
        Assert.Equal(2048, spec.ExpectedWidth);
    }

    [Fact]
    public void ToSpec_ExplicitSettings_OverrideTheEntry()
    {
        var spec = new ModelOptions
        {
            Backbone = "inceptionv3",
            Path = "/m.onnx",
            Preprocess = PreprocessMode.Torch,
            Resize = ResizePolicy.ShortSideThenCenterCrop,
            Layout = TensorLayout.Nchw,
        }.ToSpec();

        Assert.Equal("torch;short342;crop299;nchw", spec.Preprocess.Describe());
        Assert.False(spec.LayoutFromModel);
    }

    [Fact]
    public void ToSpec_InputSizeOverride_ScalesTheShortSide()
    {
        var spec = new ModelOptions { Backbone = "resnet50", Path = "/m.onnx", InputSize = 288, Resize = ResizePolicy.ShortSideThenCenterCrop }.ToSpec();

        Assert.Equal("caffe;short329;crop288;nhwc", spec.Preprocess.Describe());
    }

    [Fact]
    public void ToSpec_CustomBackbone_UsesNoCatalogueEntry()
    {
        var options = new ModelOptions { Id = "resnet50", Backbone = "custom", Path = "/m.onnx" };

        var spec = options.ToSpec();

        Assert.Null(options.CatalogueEntry);
        Assert.Null(spec.ExpectedWidth);
        Assert.Equal("torch;short256;crop224;nchw", spec.Preprocess.Describe());
    }

    [Fact]
    public void ToSpec_GemWithoutL2_ReachesTheSpec()
    {
        var spec = new ModelOptions { Pooling = PoolingMode.Gem, GemP = 2.5f, L2Normalize = false }.ToSpec();

        Assert.Equal("gem2.5;nol2", spec.DescribePooling());
    }

    [Fact]
    public void ToSpec_BlobUrlWithSas_KeepsTheUrlForTheCache()
    {
        const string url = "https://acct.blob.core.windows.net/models/r50.onnx?sv=2024&sig=secret";

        Assert.Equal(url, new ModelOptions { Backbone = "resnet50", Path = url }.ToSpec().Path);
    }

    [Fact]
    public void Validate_Defaults_Pass() => Assert.Empty(Validate(new ModelOptions()));

    [Theory]
    [InlineData("resnet", null, null, "not in the catalogue")]
    [InlineData(null, "ftp://host/m.onnx", null, "scheme 'ftp'")]
    [InlineData(null, null, 200, "nothing to crop")]
    public void Validate_BadSettings_Fail(string? backbone, string? path, int? shortSide, string message)
    {
        var errors = Validate(new ModelOptions { Backbone = backbone, Path = path, ResizeShortSide = shortSide });

        Assert.Contains(errors, e => e.ErrorMessage!.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TlsCaFileMissing_FailsNamingTheSetting()
    {
        var errors = Validate(new ModelOptions { Path = "https://models.example/m.onnx", TlsCaFile = "/nonexistent/ca.pem" });

        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith("Model:TlsCaFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_EnvironmentStyleKeys_SetEveryCatalogueOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Model:Backbone"] = "nasnetlarge",
            ["Model:Path"] = "https://models.example/nasnet.onnx",
            ["Model:CacheDirectory"] = "/var/cache/models",
            ["Model:AllowInsecureHttp"] = "true",
            ["Model:DownloadTimeout"] = "00:05:00",
            ["Model:Layout"] = "Nhwc",
            ["Model:Pooling"] = "Gem",
            ["Model:GemP"] = "4",
            ["Model:L2Normalize"] = "false",
            ["Model:StoragePrecision"] = "Half",
        }).Build();

        var options = configuration.GetSection(ModelOptions.SectionName).Get<ModelOptions>()!;

        Assert.Equal(("nasnetlarge", "/var/cache/models", true, TimeSpan.FromMinutes(5)),
            (options.Backbone, options.CacheDirectory, options.AllowInsecureHttp, options.DownloadTimeout));
        Assert.Equal((TensorLayout.Nhwc, PoolingMode.Gem, 4f, false, StoragePrecision.Half),
            (options.Layout, options.Pooling, options.GemP, options.L2Normalize, options.StoragePrecision));
        Assert.Equal("tf;squash331;nhwc", options.ToSpec().Preprocess.Describe());
        Assert.Empty(Validate(options));
    }

    private static List<ValidationResult> Validate(ModelOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
