using Google.Protobuf;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.HeadRemoverTests;

namespace Pipeline.UnitTests.Inference;

/// <summary>Models whose weights are ONNX external data: read, checked, confined to the model's folder.</summary>
public sealed class ExternalDataTests
{
    private const int Batch = 2;

    [Fact]
    public void Load_BundledModelWithExternalWeights_EmbedsLikeTheInlineModel()
    {
        using var external = new ExternalDataModel(ModelProto.Parser.ParseFrom(File.ReadAllBytes(BundledModel.Path)), checksums: true);
        using var inline = Backbone.Load(BundledModel.Spec());

        using var backbone = Backbone.Load(BundledModel.Spec() with { Path = external.ModelPath, Sha256 = null });

        Assert.True(external.Externalized > 50, $"{external.Externalized} tensors moved out");
        var images = OrtRunner.RandomInput(seed: 21, Batch * BundledModel.ImageLength);
        Assert.Equal(Embed(inline, images), Embed(backbone, images));
        Assert.Equal(external.ExpectedWeightsSha256, backbone.WeightsSha256);
        Assert.NotEqual(BundledModel.Sha256, backbone.WeightsSha256);
    }

    [Fact]
    public void Load_EveryTensorExternalIncludingTheAxes_ReadsSmallOnesIn()
    {
        // onnx.save_model(size_threshold=0): even the ReduceMax axes the head remover reads are in the data file.
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0);
        using var inlineFile = new TempModelFile(SyntheticClassifiers.NhwcReduceMaxAxesInput());
        using var inline = Backbone.Load(Spec(inlineFile.Path));

        using var backbone = Backbone.Load(Spec(external.ModelPath));

        Assert.Equal(5, external.Externalized);
        var images = OrtRunner.RandomInput(seed: 22, Batch * SyntheticClassifiers.ImageLength);
        AssertClose(Embed(inline, images), Embed(backbone, images), 0);
        Assert.NotNull(backbone.Cut.PoolingNode);
    }

    [Fact]
    public void Read_LargeInlineInitializers_PointAtTheirOwnBytesInTheFile()
    {
        var bytes = File.ReadAllBytes(BundledModel.Path);
        var original = ModelProto.Parser.ParseFrom(bytes);

        var file = OnnxFile.Read(BundledModel.Path);

        var pairs = original.Graph.Initializer.Zip(file.Model.Graph.Initializer).ToList();
        Assert.Contains(pairs, p => p.Second.DataLocation == TensorProto.Types.DataLocation.External && p.First.HasRawData);
        Assert.Contains(pairs, p => p.Second.DataLocation == TensorProto.Types.DataLocation.External && p.First.FloatData.Count > 0);
        foreach (var (before, after) in pairs)
        {
            if (after.DataLocation != TensorProto.Types.DataLocation.External)
            {
                Assert.Equal(before, after);
                // What stays inline is small, or varint-encoded (int32_data, int64_data: not the raw bytes ONNX Runtime could read).
                Assert.True(before.RawData.Length + (before.FloatData.Count * 4) < OnnxFile.ExternalizeFrom, before.Name);
                continue;
            }

            var keys = after.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal(Path.GetFileName(BundledModel.Path), keys["location"]);
            var region = bytes.AsSpan(
                int.Parse(keys["offset"], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(keys["length"], System.Globalization.CultureInfo.InvariantCulture));
            var expected = before.HasRawData ? before.RawData.ToByteArray() : System.Runtime.InteropServices.MemoryMarshal.AsBytes(before.FloatData.ToArray().AsSpan()).ToArray();
            Assert.True(region.SequenceEqual(expected), after.Name);
            Assert.True(region.Length >= OnnxFile.ExternalizeFrom);
            Assert.Equal(before.Name, after.Name);
            Assert.Equal(before.Dims, after.Dims);
        }

        Assert.Equal(BundledModel.Sha256, file.FileSha256);
        Assert.Equal(BundledModel.Sha256, file.WeightsSha256);
    }

    [Fact]
    public void Read_EverythingIn_EqualsTheParsedFileByteForByte()
    {
        var bytes = File.ReadAllBytes(BundledModel.Path);

        var file = OnnxFile.Read(BundledModel.Path, long.MaxValue);

        Assert.Equal(bytes, file.Model.ToByteArray());
    }

    [Theory]
    [InlineData("../weights.bin")]
    [InlineData("sub/../../weights.bin")]
    [InlineData("/tmp/weights.bin")]
    [InlineData("..")]
    [InlineData("")]
    public void Load_LocationOutsideTheModelsFolder_ThrowsInvalidDataNamingIt(string location)
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0, location: location);

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(external.ModelPath)));

        Assert.Contains("external data", error.Message, StringComparison.Ordinal);
        Assert.Contains(location.Length == 0 ? "without a location" : $"'{location}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SymbolicLinkOutOfTheFolder_ThrowsInvalidData()
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0, location: "linked.bin");
        using var outside = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0);
        File.CreateSymbolicLink(Path.Combine(external.Folder, "linked.bin"), outside.DataPath);

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(external.ModelPath)));

        Assert.Contains("leads outside the model's folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelFileIsALinkToAnotherFolder_LoadsItsWeightsThroughTheLink()
    {
        var folder = Directory.CreateTempSubdirectory("pipeline-linked-model-").FullName;
        try
        {
            var link = Path.Combine(folder, "model.onnx");
            File.CreateSymbolicLink(link, BundledModel.Path);

            using var backbone = Backbone.Load(BundledModel.Spec() with { Path = link });

            Assert.Equal(BundledModel.Sha256, backbone.WeightsSha256);
            Assert.Equal(BundledModel.Width, backbone.Width);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_DataFileMissing_ThrowsInvalidDataNamingThePath()
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0);
        File.Delete(external.DataPath);

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(external.ModelPath)));

        Assert.Contains($"{external.DataPath} does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DataFileTruncated_ThrowsInvalidDataPastTheEnd()
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0);
        File.WriteAllBytes(external.DataPath, external.DataBytes[..^4]);

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(external.ModelPath)));

        Assert.Contains("past the file's end", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DataFileChanged_ThrowsInvalidDataOnTheChecksum()
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0, checksums: true);
        var changed = external.DataBytes.ToArray();
        changed[^1] ^= 1;
        File.WriteAllBytes(external.DataPath, changed);

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(external.ModelPath)));

        Assert.Contains("does not match its SHA-1 checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ChecksumOfTheWholeFile_Accepted()
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0);
        foreach (var tensor in external.Model.Graph.Initializer)
        {
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "checksum", Value = ExternalDataModel.Sha1(external.DataBytes) });
        }

        File.WriteAllBytes(external.ModelPath, external.Model.ToByteArray());

        using var backbone = Backbone.Load(Spec(external.ModelPath));

        Assert.Equal(SyntheticClassifiers.Channels, backbone.Width);
    }

    [Fact]
    public void Load_LengthDisagreesWithTheShape_ThrowsInvalidData()
    {
        using var external = new ExternalDataModel(SyntheticClassifiers.NhwcReduceMaxAxesInput(), sizeThreshold: 0);
        var tensor = external.Model.Graph.Initializer.First(t => t.Name == "spatial_axes");
        tensor.ExternalData.First(e => e.Key == "length").Value = "8";
        File.WriteAllBytes(external.ModelPath, external.Model.ToByteArray());

        var error = Assert.Throws<InvalidDataException>(() => Backbone.Load(Spec(external.ModelPath)));

        Assert.Contains("'spatial_axes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("take 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadInt64s_TensorStillExternal_ThrowsNotSupportedRatherThanReadingNothing()
    {
        var tensor = new TensorProto
        {
            Name = "axes",
            DataType = (int)TensorProto.Types.DataType.Int64,
            Dims = { 2 },
            DataLocation = TensorProto.Types.DataLocation.External,
            ExternalData = { new StringStringEntryProto { Key = "location", Value = "w.bin" } },
        };

        var error = Assert.Throws<NotSupportedException>(() => TensorValues.ReadInt64s(tensor));

        Assert.Contains("external data", error.Message, StringComparison.Ordinal);
    }

    private static float[] Embed(Backbone backbone, float[] images)
    {
        var embeddings = new float[Batch * backbone.Width];
        backbone.Embed(images, Batch, embeddings);
        return embeddings;
    }

    private static ModelSpec Spec(string path) => new(
        "synthetic",
        path,
        null,
        new PreprocessSpec(SyntheticClassifiers.Side, SyntheticClassifiers.Side, ResizePolicy.Squash, PreprocessMode.Raw, TensorLayout.Nhwc),
        PoolingMode.Max);
}
