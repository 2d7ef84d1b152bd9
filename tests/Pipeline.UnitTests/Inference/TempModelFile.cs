using Google.Protobuf;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>A synthetic model written to a temporary .onnx file, deleted on dispose.</summary>
internal sealed class TempModelFile : IDisposable
{
    public TempModelFile(ModelProto model)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pipeline-test-{Guid.NewGuid():N}.onnx");
        Bytes = model.ToByteArray();
        File.WriteAllBytes(Path, Bytes);
    }

    public string Path { get; }

    public byte[] Bytes { get; }

    public void Dispose() => File.Delete(Path);
}
