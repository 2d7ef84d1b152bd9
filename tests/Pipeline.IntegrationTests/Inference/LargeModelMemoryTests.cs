using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Pipeline.Common.Inference.Onnx;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// Loading a model takes about its size in memory once, not the file bytes, the parsed weights and a re-serialised copy at
/// once: measured as the peak resident set of a real <c>pipeline models inspect</c> process (head cut, session, warm-up
/// run), above that of the same program on a tiny model.
/// </summary>
public sealed class LargeModelMemoryTests(ITestOutputHelper output)
{
    private const int Side = 4;
    private const int Classes = 10;

    // Six 1×1 convolutions of 4,096 → 4,096 channels: 6 × 64 MiB of float weights, little compute on a 4×4 image.
    private const int Channels = 4096;
    private const int Layers = 6;

    // Issue 15's target is about 1.5× the model's size, all of the process's memory counted (managed and native). Measured
    // here: 1.50. What is above 1× is ONNX Runtime's NCHWc layout transformer, which reorders each convolution's weights
    // into a copy (ONNX Runtime loading this file from its path alone peaks at 2.5×; with that transformer off, 1.1×).
    // Reading the file, hashing it and cutting the graph add next to nothing. Before, `models inspect` peaked at 8× (3.2 GB).
    private const double Bound = 1.75;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inspect_ModelOfHundredsOfMegabytes_PeaksWithinOneAndThreeQuartersTimesItsSize(bool externalData)
    {
        var folder = Directory.CreateTempSubdirectory("pipeline-large-model-").FullName;
        try
        {
            var tiny = Path.Combine(folder, "tiny.onnx");
            Write(Model(channels: 16), tiny, externalData: false);
            var large = Path.Combine(folder, "large.onnx");
            var size = Write(Model(Channels), large, externalData);

            var baseline = await PeakResidentBytesAsync(tiny, 16);
            var peak = await PeakResidentBytesAsync(large, Channels);

            var growth = peak - baseline;
            var ratio = (double)growth / size;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model {size / 1048576.0:F0} MiB ({(externalData ? "weights in an external data file" : "weights inside the .onnx")}): " +
                $"peak RSS {peak / 1048576.0:F0} MiB, tiny model {baseline / 1048576.0:F0} MiB, growth {growth / 1048576.0:F0} MiB = {ratio:F2} × the model"));
            Assert.True(ratio <= Bound, $"Loading took {ratio:F2} × the model's size (bound {Bound}).");
            Assert.True(ratio >= 0.5, $"Loading took {ratio:F2} × the model's size: the weights cannot all have been loaded.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The child's peak resident set (VmHWM, all of it: managed heap, ONNX Runtime, mapped files) as its parent sees it
    // once it has ended: getrusage(RUSAGE_CHILDREN) in a Python parent that has no other child.
    private static async Task<long> PeakResidentBytesAsync(string model, int width)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "-c",
            "import resource, subprocess, sys\n" +
            "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n" +
            "print(done.stdout + done.stderr)\n" +
            "print('peak-kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n" +
            "sys.exit(done.returncode)",
            "dotnet", Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), "models", "inspect", model,
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var text = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, text);
        Assert.Contains($"{width}", text, StringComparison.Ordinal);
        var line = text.Split('\n').Single(l => l.StartsWith("peak-kib ", StringComparison.Ordinal));
        return long.Parse(line["peak-kib ".Length..], CultureInfo.InvariantCulture) * 1024;
    }

    // Writes the model (streamed, so this process does not hold it twice); returns the bytes on disk, data file included.
    private static long Write(ModelProto model, string path, bool externalData)
    {
        if (externalData)
        {
            var data = Path.ChangeExtension(path, ".bin");
            using var weights = File.Create(data);
            foreach (var tensor in model.Graph.Initializer.Where(t => t.RawData.Length >= 1024))
            {
                var offset = weights.Position;
                weights.Write(tensor.RawData.Span);
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Path.GetFileName(data) });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(CultureInfo.InvariantCulture) });
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ClearRawData();
            }
        }

        using (var file = File.Create(path))
        {
            model.WriteTo(file);
        }

        return new FileInfo(path).Length + (externalData ? new FileInfo(Path.ChangeExtension(path, ".bin")).Length : 0);
    }

    // image [N, 3, 4, 4] → Conv 3→C → (Conv 1×1 C→C → Relu) × Layers → GlobalAveragePool → Flatten → Gemm → Softmax.
    private static ModelProto Model(int channels)
    {
        var graph = new GraphProto
        {
            Name = "large",
            Input = { Value("image", "N", 3, Side, Side) },
            Output = { Value("probs", "N", Classes) },
        };
        var random = new Random(15);
        graph.Initializer.Add(Weights(random, "stem_w", channels, 3, 1, 1));
        graph.Node.Add(Node("Conv", ["image", "stem_w"], "x0"));
        for (var i = 1; i <= Layers; i++)
        {
            graph.Initializer.Add(Weights(random, $"conv{i}_w", channels, channels, 1, 1));
            graph.Node.Add(Node("Conv", [$"x{i - 1}", $"conv{i}_w"], $"c{i}"));
            graph.Node.Add(Node("Relu", [$"c{i}"], $"x{i}"));
        }

        graph.Initializer.Add(Weights(random, "fc_w", Classes, channels));
        graph.Node.Add(Node("GlobalAveragePool", [$"x{Layers}"], "pooled"));
        graph.Node.Add(Node("Flatten", ["pooled"], "flat"));
        var gemm = Node("Gemm", ["flat", "fc_w"], "logits");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int });
        graph.Node.Add(gemm);
        graph.Node.Add(Node("Softmax", ["logits"], "probs"));
        return new ModelProto { IrVersion = 8, ProducerName = "LargeModelMemoryTests", OpsetImport = { new OperatorSetIdProto { Version = 13 } }, Graph = graph };
    }

    // Small random weights (|w| < 1/fan-in), so activations stay finite through the stack.
    private static TensorProto Weights(Random random, string name, params long[] dims)
    {
        var count = checked((int)dims.Aggregate(1L, (a, b) => a * b));
        var scale = 1f / dims[1];
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((float)random.NextDouble() - 0.5f) * scale;
        }

        return new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            Dims = { dims },
            RawData = UnsafeByteOperations.UnsafeWrap(MemoryMarshal.AsBytes(values.AsSpan()).ToArray()),
        };
    }

    private static NodeProto Node(string op, string[] inputs, string output) =>
        new() { Name = output + "_" + op, OpType = op, Input = { inputs }, Output = { output } };

    private static ValueInfoProto Value(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
