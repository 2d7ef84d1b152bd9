using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// A model saved the way <c>onnx.save_model(..., save_as_external_data=True)</c> saves it: every initializer of at least
/// <c>sizeThreshold</c> bytes moved to one data file next to the model (location, offset, length keys), in a temporary
/// folder deleted on dispose.
/// </summary>
internal sealed class ExternalDataModel : IDisposable
{
    public const string DataFile = "weights.bin";

    public ExternalDataModel(ModelProto model, long sizeThreshold = 1024, string? location = null, bool checksums = false)
    {
        Folder = Directory.CreateTempSubdirectory("pipeline-external-").FullName;
        Model = model.Clone();
        using var data = new MemoryStream();
        foreach (var tensor in Model.Graph.Initializer)
        {
            if (RawBytes(tensor) is not { } bytes || bytes.Length < sizeThreshold)
            {
                continue;
            }

            var offset = data.Length;
            data.Write(bytes);
            tensor.ClearRawData();
            tensor.FloatData.Clear();
            tensor.Int32Data.Clear();
            tensor.Int64Data.Clear();
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(Entry("location", location ?? DataFile));
            tensor.ExternalData.Add(Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            tensor.ExternalData.Add(Entry("length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (checksums)
            {
                tensor.ExternalData.Add(Entry("checksum", Sha1(bytes)));
            }

            Externalized++;
        }

        DataBytes = data.ToArray();
        File.WriteAllBytes(DataPath, DataBytes);
        ModelBytes = Model.ToByteArray();
        File.WriteAllBytes(ModelPath, ModelBytes);
    }

    public string Folder { get; }

    public string ModelPath => Path.Combine(Folder, "model.onnx");

    public string DataPath => Path.Combine(Folder, DataFile);

    /// <summary>The model as written (external references in place of the moved tensors).</summary>
    public ModelProto Model { get; }

    public byte[] ModelBytes { get; }

    public byte[] DataBytes { get; }

    /// <summary>How many initializers went to the data file.</summary>
    public int Externalized { get; }

    /// <summary>What <c>OnnxFile.WeightsSha256</c> promises: the model file, then the tensors' bytes in model order.</summary>
    public string ExpectedWeightsSha256 => Convert.ToHexStringLower(SHA256.HashData([.. ModelBytes, .. DataBytes]));

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "ONNX's checksum key is SHA-1.")]
    public static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    // The tensor's bytes as raw_data would hold them (little-endian, fixed width), whichever field holds them.
    private static byte[]? RawBytes(TensorProto tensor) => (TensorProto.Types.DataType)tensor.DataType switch
    {
        _ when tensor.HasRawData => tensor.RawData.ToByteArray(),
        TensorProto.Types.DataType.Float => MemoryMarshal.AsBytes(tensor.FloatData.ToArray().AsSpan()).ToArray(),
        TensorProto.Types.DataType.Int64 => MemoryMarshal.AsBytes(tensor.Int64Data.ToArray().AsSpan()).ToArray(),
        TensorProto.Types.DataType.Int32 => MemoryMarshal.AsBytes(tensor.Int32Data.ToArray().AsSpan()).ToArray(),
        TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int8 => [.. tensor.Int32Data.Select(v => (byte)v)],
        TensorProto.Types.DataType.Float16 => MemoryMarshal.AsBytes(tensor.Int32Data.Select(v => (ushort)v).ToArray().AsSpan()).ToArray(),
        _ => null,
    };
}
