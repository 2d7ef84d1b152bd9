namespace Pipeline.UnitTests.Messaging;

using Pipeline.Common.Inference;

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
}
