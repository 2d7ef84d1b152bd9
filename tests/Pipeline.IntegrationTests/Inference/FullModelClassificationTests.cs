using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// The unmodified classifier, fed by our decoding and preprocessing, must recognise the photos:
/// proof that the tensors we feed the backbone are what the model was trained on.
/// </summary>
public sealed class FullModelClassificationTests
{
    private static readonly string[] Classes = File.ReadAllLines(Path.Combine(RepoPaths.Root, "models", "imagenet-classes.txt"));

    [Theory]
    [InlineData("chelsea.png", 281, 285)] // tabby .. Egyptian cat
    [InlineData("coffee.png", 967, 967)] // espresso
    [InlineData("eagle.jpg", 22, 22)] // bald eagle
    public void FullModel_SamplePhoto_TopClassIsTheSubject(string photo, int firstClass, int lastClass)
    {
        var spec = new ModelOptions().ToSpec();
        var tensor = new float[spec.Preprocess.TensorLength];
        new ImagePreprocessor().DecodeInto(File.ReadAllBytes(RepoPaths.Sample(photo)), spec.Preprocess, tensor);
        using var session = new InferenceSession(spec.Path);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(tensor, [1, 3, 224, 224]))]);
        var logits = results[0].AsEnumerable<float>().ToArray();
        var top = Array.IndexOf(logits, logits.Max());
        Assert.True(top >= firstClass && top <= lastClass, $"{photo}: top-1 is {top} '{Classes[top]}'");
    }
}
