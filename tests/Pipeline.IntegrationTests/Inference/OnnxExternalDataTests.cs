using System.Diagnostics;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// A model saved by the ONNX package itself (Debian's python3-onnx, <c>onnx.save_model(..., save_as_external_data=True)</c>)
/// loads with its weights from the data file next to it and embeds exactly like the single-file model.
/// </summary>
public sealed class OnnxExternalDataTests
{
    private const int Batch = 2;
    private const int Side = 224;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Load_BundledModelResavedByOnnxWithExternalData_EmbedsLikeTheSingleFile(bool allTensorsToOneFile)
    {
        var folder = Directory.CreateTempSubdirectory("pipeline-onnx-external-").FullName;
        try
        {
            var saved = Path.Combine(folder, "model.onnx");
            await ResaveAsync(Path.Combine(RepoPaths.Root, "models", ModelOptions.BundledFile), saved, allTensorsToOneFile);
            Assert.True(Directory.GetFiles(folder).Length > 1, "onnx wrote no external data file");
            Assert.True(new FileInfo(saved).Length < 200_000, "the weights stayed in the .onnx");   // 3.6 MB with them
            var spec = new ModelSpec(
                "mobilenetv2",
                Path.Combine(RepoPaths.Root, "models", ModelOptions.BundledFile),
                ModelOptions.BundledSha256,
                new PreprocessSpec(Side, 256, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch, TensorLayout.Nchw),
                PoolingMode.Avg);
            using var single = Backbone.Load(spec);

            using var external = Backbone.Load(spec with { Path = saved, Sha256 = null });

            var images = new float[Batch * 3 * Side * Side];
            var random = new Random(15);
            for (var i = 0; i < images.Length; i++)
            {
                images[i] = (float)(random.NextDouble() * 4 - 2);
            }

            Assert.Equal(Embed(single, images), Embed(external, images));
            Assert.NotEqual(single.WeightsSha256, external.WeightsSha256);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float[] Embed(Backbone backbone, float[] images)
    {
        var embeddings = new float[Batch * backbone.Width];
        backbone.Embed(images, Batch, embeddings);
        return embeddings;
    }

    private static async Task ResaveAsync(string source, string target, bool oneFile)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(
            "import onnx, sys\n" +
            "model = onnx.load(sys.argv[1])\n" +
            "onnx.save_model(model, sys.argv[2], save_as_external_data=True, all_tensors_to_one_file=sys.argv[3] == 'one', " +
            "location='weights.data' if sys.argv[3] == 'one' else None, size_threshold=1024)\n");
        info.ArgumentList.Add(source);
        info.ArgumentList.Add(target);
        info.ArgumentList.Add(oneFile ? "one" : "many");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await stderr);
    }
}
