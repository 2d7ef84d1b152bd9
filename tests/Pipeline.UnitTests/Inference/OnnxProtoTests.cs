using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

public sealed class OnnxProtoTests
{
    // ModelProto.metadata_props (field 14, not declared in our subset) = { key: "k", value: "v" }.
    private static readonly byte[] MetadataEntry = [0x72, 0x06, 0x0A, 0x01, (byte)'k', 0x12, 0x01, (byte)'v'];

    [Fact]
    public void Serialize_ModelWithUndeclaredField_KeepsItThroughHeadRemoval()
    {
        byte[] bytes = [.. SyntheticClassifiers.NchwGlobalAveragePool().ToByteArray(), .. MetadataEntry];

        var model = ModelProto.Parser.ParseFrom(bytes);
        HeadRemover.Remove(model);
        var edited = model.ToByteArray();

        Assert.True(edited.AsSpan().EndsWith(MetadataEntry));
        using var session = new InferenceSession(edited);
        Assert.Equal("v", session.ModelMetadata.CustomMetadataMap["k"]);
    }
}
