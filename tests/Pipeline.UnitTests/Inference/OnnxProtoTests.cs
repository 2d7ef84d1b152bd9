using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// Graph surgery re-serialises the model: everything it does not edit must come out as it went in, both the fields of
/// upstream's onnx.proto and fields newer than it (kept as unknown fields).
/// </summary>
public sealed class OnnxProtoTests
{
    // A field number no onnx.proto release uses yet (ModelProto field 99, a string "future"): what a newer exporter could write.
    private static readonly byte[] FutureField = [0x9A, 0x06, 0x06, (byte)'f', (byte)'u', (byte)'t', (byte)'u', (byte)'r', (byte)'e'];

    [Fact]
    public void Serialize_FieldNewerThanTheProto_KeepsItThroughReadAndHeadRemoval()
    {
        var model = SyntheticClassifiers.NchwGlobalAveragePool();
        model.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });
        using var file = new TempModelFile(ModelProto.Parser.ParseFrom([.. model.ToByteArray(), .. FutureField]));

        var read = OnnxFile.Read(file.Path).Model;
        HeadRemover.Remove(read);
        var edited = read.ToByteArray();

        Assert.True(edited.AsSpan().EndsWith(FutureField));
        using var session = new InferenceSession(edited);
        Assert.Equal("v", session.ModelMetadata.CustomMetadataMap["k"]);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(OnnxFile.ExternalizeFrom)]
    public void Read_ModelUsingEveryField_RoundTripsByteForByte(long externalizeFrom)
    {
        var bytes = EveryField().ToByteArray();
        using var file = new TempModelFile(ModelProto.Parser.ParseFrom(bytes));

        var read = OnnxFile.Read(file.Path, externalizeFrom).Model;

        Assert.Equal(bytes, read.ToByteArray());
        Assert.Equal("f", read.Functions.Single().Name);
        Assert.Equal("sparse", read.Graph.SparseInitializer.Single().Values.Name);
        Assert.Equal(TypeProto.ValueOneofCase.SequenceType, read.Graph.ValueInfo.Single(v => v.Name == "seq").Type.ValueCase);
    }

    [Fact]
    public void RemoveHead_ModelUsingEveryField_KeepsWhatItDoesNotEdit()
    {
        var model = EveryField();
        var before = model.Clone();

        HeadRemover.Remove(model);

        Assert.Equal(before.MetadataProps, model.MetadataProps);
        Assert.Equal(before.Functions, model.Functions);
        Assert.Equal(before.TrainingInfo, model.TrainingInfo);
        Assert.Equal(before.DocString, model.DocString);
        Assert.Equal(before.Graph.QuantizationAnnotation, model.Graph.QuantizationAnnotation);
        Assert.Equal(before.Graph.Node[0], model.Graph.Node[0]);

        // Initializers the features do not read go, sparse ones like dense ones.
        Assert.Empty(model.Graph.SparseInitializer);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "segmented");
    }

    [Fact]
    public void ImageInput_SparseInitializerListedFirstAsAnInput_IsNotTheImage()
    {
        var model = EveryField();
        model.Graph.Input.Insert(0, OnnxBuilder.Value("sparse", TensorProto.Types.DataType.Float, 8L));

        var index = new GraphIndex(model.Graph);

        Assert.Equal("image", index.ImageInput?.Name);
        Assert.True(index.IsConstant("sparse"));
    }

    // The synthetic NCHW classifier, plus one value of every message and field onnx.proto 1.12 declares that it lacks.
    private static ModelProto EveryField()
    {
        var model = SyntheticClassifiers.NchwGlobalAveragePool();
        model.DocString = "every field";
        model.Domain = "test.pipeline";
        model.ModelVersion = 3;
        model.ProducerVersion = "1";
        model.MetadataProps.Add(new StringStringEntryProto { Key = "author", Value = "tests" });
        model.TrainingInfo.Add(new TrainingInfoProto
        {
            Initialization = new GraphProto { Name = "init" },
            Algorithm = new GraphProto { Name = "step" },
            InitializationBinding = { new StringStringEntryProto { Key = "conv_b", Value = "b0" } },
            UpdateBinding = { new StringStringEntryProto { Key = "conv_b", Value = "b1" } },
        });
        model.Functions.Add(new FunctionProto
        {
            Name = "f",
            Domain = "test.pipeline",
            Input = { "x" },
            Output = { "y" },
            Attribute = { "alpha" },
            Node = { new NodeProto { OpType = "Relu", Input = { "x" }, Output = { "y" } } },
            OpsetImport = { new OperatorSetIdProto { Version = 13 } },
            DocString = "a local function",
        });
        var graph = model.Graph;
        graph.DocString = "graph doc";
        graph.SparseInitializer.Add(new SparseTensorProto
        {
            Values = OnnxBuilder.Floats("sparse", [1], 2f),
            Indices = OnnxBuilder.Int64s("sparse_indices", [1], 3),
            Dims = { 8 },
        });
        graph.QuantizationAnnotation.Add(new TensorAnnotation
        {
            TensorName = "features",
            QuantParameterTensorNames = { new StringStringEntryProto { Key = "SCALE_TENSOR", Value = "s" } },
        });
        graph.ValueInfo.Add(new ValueInfoProto
        {
            Name = "seq",
            DocString = "a sequence",
            Type = new TypeProto
            {
                Denotation = "TENSOR",
                SequenceType = new TypeProto.Types.Sequence
                {
                    ElemType = new TypeProto
                    {
                        MapType = new TypeProto.Types.Map { KeyType = 7, ValueType = new TypeProto { OptionalType = new TypeProto.Types.Optional() } },
                    },
                },
            },
        });
        var segmented = OnnxBuilder.Floats("segmented", [2], 1f, 2f);
        segmented.Segment = new TensorProto.Types.Segment { Begin = 0, End = 2 };
        segmented.DocString = "tensor doc";
        segmented.DoubleData.Add(1.5);
        segmented.Uint64Data.Add(7);
        segmented.StringData.Add(ByteString.CopyFromUtf8("s"));
        graph.Initializer.Add(segmented);
        graph.Node[0].DocString = "node doc";
        graph.Node[0].Attribute.Add(new AttributeProto
        {
            Name = "extra",
            DocString = "attribute doc",
            RefAttrName = "alpha",
            Type = AttributeProto.Types.AttributeType.SparseTensors,
            SparseTensor = new SparseTensorProto { Dims = { 1 } },
            SparseTensors = { new SparseTensorProto { Dims = { 2 } } },
            Graphs = { new GraphProto { Name = "sub" } },
            TypeProtos = { new TypeProto { SparseTensorType = new TypeProto.Types.SparseTensor { ElemType = 1 } } },
        });
        return model;
    }
}
