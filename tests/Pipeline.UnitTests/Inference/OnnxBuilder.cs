using Google.Protobuf;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>Terse construction of small ONNX graphs with the generated proto classes.</summary>
internal static class OnnxBuilder
{
    public const string Microsoft = "com.microsoft";

    public static TensorProto Floats(string name, long[] dims, params float[] values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { dims },
        FloatData = { values },
    };

    public static TensorProto Int64s(string name, long[] dims, params long[] values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Int64,
        Dims = { dims },
        Int64Data = { values },
    };

    /// <summary>A scalar uint8 (stored in int32_data, as the spec says for small integer types).</summary>
    public static TensorProto UInt8Scalar(string name, byte value) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Uint8,
        Int32Data = { value },
    };

    /// <summary>An int8 or uint8 tensor (stored in int32_data, as the spec says for small integer types).</summary>
    public static TensorProto SmallInts(string name, TensorProto.Types.DataType type, long[] dims, params int[] values) => new()
    {
        Name = name,
        DataType = (int)type,
        Dims = { dims },
        Int32Data = { values },
    };

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes) => new()
    {
        Name = $"{outputs[0]}_{op}",
        OpType = op,
        Input = { inputs },
        Output = { outputs },
        Attribute = { attributes },
    };

    public static NodeProto MicrosoftNode(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = Node(op, inputs, outputs, attributes);
        node.Domain = Microsoft;
        return node;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, F = value, Type = AttributeProto.Types.AttributeType.Float };

    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, T = value, Type = AttributeProto.Types.AttributeType.Tensor };

    public static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Ints = { values }, Type = AttributeProto.Types.AttributeType.Ints };

    /// <summary>A tensor value; each dim is a <c>long</c> size or a <c>string</c> symbol.</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static ValueInfoProto FloatValue(string name, params object[] dims) =>
        Value(name, TensorProto.Types.DataType.Float, dims);

    public static ModelProto Model(GraphProto graph, int opset, bool microsoftOps = false)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Pipeline.UnitTests",
            Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = opset } },
        };
        if (microsoftOps)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = Microsoft, Version = 1 });
        }

        return model;
    }

    /// <summary>A deep copy, so a test can cut one and still run the other.</summary>
    public static ModelProto Copy(ModelProto model) => ModelProto.Parser.ParseFrom(model.ToByteString());
}
