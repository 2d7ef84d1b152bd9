using System.Text.RegularExpressions;
using Pipeline.Common;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Catalogue;
using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Inference.Catalogue;

public sealed partial class BackboneCatalogueTests
{
    public static TheoryData<string> EntryNames() => [.. BackboneCatalogue.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(EntryNames))]
    public void Entry_Spec_IsCompleteAndConsistent(string name)
    {
        var entry = BackboneCatalogue.Find(name)!;

        Assert.Matches(IdPattern(), entry.Name);
        ModelIdentity.ValidateId(entry.Name);
        Assert.False(string.IsNullOrWhiteSpace(entry.Family));
        Assert.InRange(entry.InputSize, 32, 2048);
        Assert.True(entry.ResizeShortSide >= entry.InputSize, $"{name}: short side {entry.ResizeShortSide} < input {entry.InputSize}");
        Assert.True(Enum.IsDefined(entry.Mode));
        Assert.True(Enum.IsDefined(entry.Resize));
        Assert.True(Enum.IsDefined(entry.Layout));
        Assert.Equal(entry.Mode == PreprocessMode.Caffe ? ChannelOrder.Bgr : ChannelOrder.Rgb, entry.ChannelOrder);
        Assert.InRange(entry.Width, 1, VectorColumnType.MaxStoredDims);
        Assert.Equal(entry.Preprocess.TensorLength, 3 * entry.InputSize * entry.InputSize);
    }

    [Theory]
    [MemberData(nameof(EntryNames))]
    public void Entry_ColumnType_FollowsTheWidthRule(string name)
    {
        var entry = BackboneCatalogue.Find(name)!;

        var expected = entry.Width switch
        {
            <= 2000 => "vector",
            <= 4000 => "halfvec",
            _ => "halfvec+bit",
        };
        Assert.Equal(expected, VectorStorage.For(entry.Width, StoragePrecision.Auto).Describe());
    }

    [Theory]
    [MemberData(nameof(EntryNames))]
    public void Entry_Conventions_FollowItsSource(string name)
    {
        var entry = BackboneCatalogue.Find(name)!;

        switch (entry.Source)
        {
            case BackboneSource.Keras:
                // tf2onnx keeps Keras' channels-last input; Keras' own examples resize with load_img(target_size=…).
                Assert.Equal((TensorLayout.Nhwc, ResizePolicy.Squash), (entry.Layout, entry.Resize));
                Assert.Equal(BackboneEntry.ShortSideFor(entry.InputSize), entry.ResizeShortSide);
                break;
            case BackboneSource.Torchvision:
                Assert.Equal((TensorLayout.Nchw, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch), (entry.Layout, entry.Resize, entry.Mode));
                Assert.Equal((224, 256), (entry.InputSize, entry.ResizeShortSide));
                Assert.NotNull(entry.Note);
                break;
            case BackboneSource.MlNet:
                // ML.NET's featurizers: a shipped CNTK feature extractor behind its own preprocessing graph, fed RGB 0..255.
                Assert.True(entry.Headless, name);
                Assert.NotNull(entry.ShippedModel?.PreprocessingGraph);
                Assert.Equal(PreprocessMode.Raw, entry.Mode);
                break;
            default:
                Assert.Equal(ModelOptions.BundledId, entry.Name);
                break;
        }
    }

    /// <summary>The issue's table (Keras applications), typed in again rather than read from the catalogue.</summary>
    [Theory]
    [InlineData("vgg16", 224, PreprocessMode.Caffe, 512)]
    [InlineData("vgg19", 224, PreprocessMode.Caffe, 512)]
    [InlineData("resnet50", 224, PreprocessMode.Caffe, 2048)]
    [InlineData("resnet101", 224, PreprocessMode.Caffe, 2048)]
    [InlineData("resnet152", 224, PreprocessMode.Caffe, 2048)]
    [InlineData("resnet50v2", 224, PreprocessMode.Tf, 2048)]
    [InlineData("resnet101v2", 224, PreprocessMode.Tf, 2048)]
    [InlineData("resnet152v2", 224, PreprocessMode.Tf, 2048)]
    [InlineData("inceptionv3", 299, PreprocessMode.Tf, 2048)]
    [InlineData("inceptionresnetv2", 299, PreprocessMode.Tf, 1536)]
    [InlineData("xception", 299, PreprocessMode.Tf, 2048)]
    [InlineData("mobilenet", 224, PreprocessMode.Tf, 1024)]
    [InlineData("mobilenetv3small", 224, PreprocessMode.Raw, 576)]
    [InlineData("mobilenetv3large", 224, PreprocessMode.Raw, 960)]
    [InlineData("densenet121", 224, PreprocessMode.Torch, 1024)]
    [InlineData("densenet169", 224, PreprocessMode.Torch, 1664)]
    [InlineData("densenet201", 224, PreprocessMode.Torch, 1920)]
    [InlineData("nasnetmobile", 224, PreprocessMode.Tf, 1056)]
    [InlineData("nasnetlarge", 331, PreprocessMode.Tf, 4032)]
    [InlineData("efficientnetb0", 224, PreprocessMode.Raw, 1280)]
    [InlineData("efficientnetb1", 240, PreprocessMode.Raw, 1280)]
    [InlineData("efficientnetb2", 260, PreprocessMode.Raw, 1408)]
    [InlineData("efficientnetb3", 300, PreprocessMode.Raw, 1536)]
    [InlineData("efficientnetb4", 380, PreprocessMode.Raw, 1792)]
    [InlineData("efficientnetb5", 456, PreprocessMode.Raw, 2048)]
    [InlineData("efficientnetb6", 528, PreprocessMode.Raw, 2304)]
    [InlineData("efficientnetb7", 600, PreprocessMode.Raw, 2560)]
    [InlineData("efficientnetv2b0", 224, PreprocessMode.Raw, 1280)]
    [InlineData("efficientnetv2b1", 240, PreprocessMode.Raw, 1280)]
    [InlineData("efficientnetv2b2", 260, PreprocessMode.Raw, 1408)]
    [InlineData("efficientnetv2b3", 300, PreprocessMode.Raw, 1536)]
    [InlineData("efficientnetv2s", 384, PreprocessMode.Raw, 1280)]
    [InlineData("efficientnetv2m", 480, PreprocessMode.Raw, 1280)]
    [InlineData("efficientnetv2l", 480, PreprocessMode.Raw, 1280)]
    [InlineData("convnext_tiny", 224, PreprocessMode.Raw, 768)]
    [InlineData("convnext_small", 224, PreprocessMode.Raw, 768)]
    [InlineData("convnext_base", 224, PreprocessMode.Raw, 1024)]
    [InlineData("convnext_large", 224, PreprocessMode.Raw, 1536)]
    [InlineData("convnext_xlarge", 224, PreprocessMode.Raw, 2048)]
    [InlineData("alexnet", 224, PreprocessMode.Torch, 256)]
    [InlineData("googlenet", 224, PreprocessMode.Torch, 1024)]
    public void Find_IssueTableRow_MatchesInputModeAndWidth(string name, int input, PreprocessMode mode, int width)
    {
        var entry = BackboneCatalogue.Find(name);

        Assert.NotNull(entry);
        Assert.Equal((input, mode, width), (entry.InputSize, entry.Mode, entry.Width));
    }

    [Fact]
    public void All_Names_AreUnique() =>
        Assert.Equal(BackboneCatalogue.All.Count, BackboneCatalogue.All.Select(e => e.Name).Distinct().Count());

    [Fact]
    public void Find_BundledModel_IsTorchModeNchwCropOverride()
    {
        var entry = BackboneCatalogue.Find(ModelOptions.BundledId)!;

        Assert.Equal(BackboneSource.OnnxModelZoo, entry.Source);
        Assert.Equal("torch;short256;crop224;nchw", entry.Preprocess.Describe());
        Assert.Equal(1280, entry.Width);
    }

    [Theory]
    [InlineData("ResNet50")]
    [InlineData("resnet")]
    [InlineData("")]
    [InlineData(null)]
    public void Find_UnknownOrMiscasedName_IsNull(string? name) => Assert.Null(BackboneCatalogue.Find(name));

    [Theory]
    [InlineData(224, 256)]
    [InlineData(299, 342)]
    [InlineData(331, 378)]
    [InlineData(600, 686)]
    public void ShortSideFor_InputSize_KeepsThe224Of256CropRatio(int input, int shortSide) =>
        Assert.Equal(shortSide, BackboneEntry.ShortSideFor(input));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex IdPattern();
}
