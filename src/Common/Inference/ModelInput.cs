namespace Pipeline.Common.Inference;

/// <summary>The model's image input as the graph declares it, for provider settings that name it (TensorRT shape profiles).</summary>
/// <param name="ImageShape">One image's shape in the model's layout: [3, H, W] or [H, W, 3].</param>
public sealed record ModelInput(string Name, IReadOnlyList<long> ImageShape)
{
    /// <summary>The input shape of a batch of <paramref name="count"/> images, as ONNX Runtime writes shapes in options: <c>name:8x3x224x224</c>.</summary>
    public string ShapeText(int count) =>
        $"{Name}:{string.Join('x', new long[] { count }.Concat(ImageShape).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}";
}
