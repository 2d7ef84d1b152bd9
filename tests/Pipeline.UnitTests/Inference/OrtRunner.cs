using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>Runs an in-memory ONNX model once with ONNX Runtime.</summary>
internal static class OrtRunner
{
    public static (float[] Values, long[] Shape) Run(ModelProto model, float[] input, long[] shape) =>
        Run(model.ToByteArray(), input, shape);

    public static (float[] Values, long[] Shape) Run(byte[] model, float[] input, long[] shape)
    {
        using var session = new InferenceSession(model);
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = session.Run(runOptions, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape);
    }

    public static float[] RandomInput(int seed, int length, float min = -2f, float max = 2f)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => min + ((max - min) * random.NextSingle()))];
    }
}
