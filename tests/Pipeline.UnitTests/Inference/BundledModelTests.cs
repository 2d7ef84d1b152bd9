using System.Security.Cryptography;
using Google.Protobuf;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

public sealed class BundledModelTests(BundledBackboneFixture fixture) : IClassFixture<BundledBackboneFixture>
{
    private const int Batch = 2;

    [Fact]
    public void Sha256_BundledModelFile_MatchesReadme()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(BundledModel.Path)));

        Assert.Equal(BundledModel.Sha256, sha);
    }

    [Fact]
    public void RoundTrip_BundledModel_IsLossless()
    {
        var bytes = File.ReadAllBytes(BundledModel.Path);
        var images = OrtRunner.RandomInput(seed: 20, BundledModel.ImageLength);

        var parsed = ModelProto.Parser.ParseFrom(bytes);
        var reserialized = parsed.ToByteArray();

        // Byte-identical here: the file's fields are all declared or, if not, trail their message.
        Assert.True(bytes.AsSpan().SequenceEqual(reserialized));
        Assert.Equal(parsed, ModelProto.Parser.ParseFrom(reserialized));
        var original = OrtRunner.Run(bytes, images, [1, 3, BundledModel.Side, BundledModel.Side]);
        var roundTripped = OrtRunner.Run(reserialized, images, [1, 3, BundledModel.Side, BundledModel.Side]);
        Assert.Equal([1, 1000], roundTripped.Shape);
        Assert.Equal(original.Values, roundTripped.Values);
    }

    [Fact]
    public void Parse_BundledModel_ReadsWhatReadmeDescribes()
    {
        // Written by the official protobuf code: proves our subset's field numbers and types.
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(BundledModel.Path));

        Assert.Equal(7, model.IrVersion);
        Assert.Equal("onnx.quantize", model.ProducerName);
        Assert.Contains(model.OpsetImport, o => o.Domain.Length == 0 && o.Version == 12);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal(["batch_size", "3", "224", "224"], input.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : $"{d.DimValue}"));
        Assert.Equal("output", Assert.Single(model.Graph.Output).Name);
        var pooling = model.Graph.Node.Single(n => n.Name == "GlobalAveragePool_97_quant");
        Assert.Equal(("com.microsoft", "QLinearGlobalAveragePool"), (pooling.Domain, pooling.OpType));
        var channelsLast = Assert.Single(pooling.Attribute);
        Assert.Equal(("channels_last", 0L, AttributeProto.Types.AttributeType.Int), (channelsLast.Name, channelsLast.I, channelsLast.Type));
        var weights = model.Graph.Initializer.Single(t => t.Name == "classifier.1.weight_quantized");
        Assert.Equal([1280L, 1000], weights.Dims);
        Assert.Equal(1280 * 1000, weights.RawData.Length);
    }

    [Fact]
    public void RemoveHead_BundledModel_OutputsFloatMap1280x7x7()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(BundledModel.Path));
        var images = OrtRunner.RandomInput(seed: 21, Batch * BundledModel.ImageLength);

        var cut = HeadRemover.Remove(model);
        var (_, shape) = OrtRunner.Run(model, images, [Batch, 3, BundledModel.Side, BundledModel.Side]);

        Assert.Equal("627", cut.FeatureOutput);
        Assert.Equal(TensorLayout.Nchw, cut.Layout);
        Assert.Equal(BundledModel.Width, cut.Channels);
        Assert.Equal("GlobalAveragePool_97_quant (com.microsoft.QLinearGlobalAveragePool)", cut.PoolingNode);
        Assert.Equal(
            [
                "GlobalAveragePool_97_quant (com.microsoft.QLinearGlobalAveragePool)", "Shape_98 (Shape)",
                "Gather_100 (Gather)", "Unsqueeze_101 (Unsqueeze)", "Concat_102 (Concat)", "Reshape_103 (Reshape)",
                "Gemm_104_MatMul_quant (QLinearMatMul)", "Gemm_104_Add_quant (com.microsoft.QLinearAdd)",
                "output_DequantizeLinear (DequantizeLinear)",
            ],
            cut.RemovedNodes);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name.StartsWith("classifier.", StringComparison.Ordinal));
        Assert.Equal([Batch, BundledModel.Width, 7, 7], shape);
    }

    [Fact]
    public void AveragePool_BundledFeatureMap_MatchesModelsOwnQuantizedPooling()
    {
        var bytes = File.ReadAllBytes(BundledModel.Path);
        var images = OrtRunner.RandomInput(seed: 22, Batch * BundledModel.ImageLength);
        long[] inputShape = [Batch, 3, BundledModel.Side, BundledModel.Side];
        var cutModel = ModelProto.Parser.ParseFrom(bytes);
        HeadRemover.Remove(cutModel);
        var (maps, _) = OrtRunner.Run(cutModel, images, inputShape);
        var ours = new float[Batch * BundledModel.Width];

        HandPooling.Pool(PoolingMode.Avg, maps, Batch, BundledModel.Width, TensorLayout.Nchw, ours);

        var (theirs, step) = RunModelsOwnPooling(bytes, images, inputShape);
        HeadRemoverTests.AssertClose(theirs, ours, tolerance: step);
    }

    [Fact]
    public void Load_BundledModel_ResolvesWidthInputAndHash()
    {
        var backbone = fixture.Backbone;

        Assert.Equal(BundledModel.Width, backbone.Width);
        Assert.Equal("input", backbone.InputName);
        Assert.Equal(BundledModel.Sha256, backbone.WeightsSha256);
        Assert.Equal("mobilenetv2", backbone.ModelId);
        Assert.Contains("GlobalAveragePool_97_quant", backbone.Cut.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_BundledModel_IsDeterministicUnitNormAndInputSensitive()
    {
        var backbone = fixture.Backbone;
        var images = OrtRunner.RandomInput(seed: 23, Batch * BundledModel.ImageLength);
        var first = new float[Batch * BundledModel.Width];
        var second = new float[Batch * BundledModel.Width];
        var single = new float[BundledModel.Width];

        backbone.Embed(images, Batch, first);
        backbone.Embed(images, Batch, second);
        backbone.Embed(images.AsMemory(BundledModel.ImageLength), 1, single);

        Assert.Equal(first, second);
        var a = first.AsSpan(0, BundledModel.Width);
        var b = first.AsSpan(BundledModel.Width);
        Assert.Equal(1f, Norm(a), 4);
        Assert.Equal(1f, Norm(b), 4);
        Assert.True(Dot(a, b) < 0.999f, $"Different images gave near-identical embeddings (cosine {Dot(a, b)}).");
        HeadRemoverTests.AssertClose(b.ToArray(), single);
    }

    // The original graph's own pooled vector: its QLinearGlobalAveragePool output, dequantized.
    private static (float[] Pooled, float Step) RunModelsOwnPooling(byte[] bytes, float[] images, long[] inputShape)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var graph = model.Graph;
        graph.Node.Add(new NodeProto
        {
            Name = "pooled_DequantizeLinear",
            OpType = "DequantizeLinear",
            Input = { "464_quantized", "464_scale", "464_zero_point" },
            Output = { "pooled" },
        });
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto
        {
            Name = "pooled",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        GraphPruner.KeepOnly(graph, "pooled");
        var step = graph.Initializer.Single(t => t.Name == "464_scale").FloatData[0];
        var (pooled, shape) = OrtRunner.Run(model, images, inputShape);
        Assert.Equal([inputShape[0], BundledModel.Width, 1, 1], shape);
        return (pooled, step);
    }

    private static float Norm(ReadOnlySpan<float> v) => MathF.Sqrt(Dot(v, v));

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [Fact]
    public void Embed_ThroughIoBinding_EqualsThePlainRun()
    {
        var images = OrtRunner.RandomInput(seed: 21, 3 * BundledModel.ImageLength);
        using var bound = Backbone.Load(BundledModel.Spec(), new BackboneOptions { IntraOpThreads = 2, UseIoBinding = true });
        var expected = new float[3 * BundledModel.Width];
        var actual = new float[3 * BundledModel.Width];

        fixture.Backbone.Embed(images.AsMemory(), 3, expected);
        bound.Embed(images.AsMemory(), 3, actual);
        // A smaller batch after a larger one: the binding must follow the new shape.
        bound.Embed(images.AsMemory(0, BundledModel.ImageLength), 1, actual.AsSpan(0, BundledModel.Width));

        Assert.True(bound.UsesIoBinding);
        Assert.Equal(expected, actual);
    }
}
