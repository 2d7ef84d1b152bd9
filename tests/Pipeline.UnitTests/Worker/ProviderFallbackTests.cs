using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Inference;
using Pipeline.UnitTests.Inference;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

/// <summary>
/// A GPU provider that cannot load, on the CPU build of ONNX Runtime the tests run on (no CUDA entry points): what the
/// worker does with CpuFallback on and off, and that the fallback session keeps nothing the failed setup put in.
/// </summary>
public sealed class ProviderFallbackTests
{
    private static readonly float[] Images = [.. Enumerable.Range(0, 2 * BundledModel.ImageLength).Select(i => (float)Math.Sin(i * 0.001))];

    [Theory]
    [InlineData(nameof(ExecutionProvider.Cuda), "CUDA (device 0)")]
    [InlineData(nameof(ExecutionProvider.TensorRt), "TensorRT (device 0), then CUDA")]
    public void Load_GpuProviderUnavailableWithFallback_WarnsOnceAndEmbedsOnTheCpuLikeACpuSession(string provider, string name)
    {
        var logger = new CollectingLogger();
        var options = new InferenceOptions { ExecutionProvider = Enum.Parse<ExecutionProvider>(provider), CpuFallback = true, TensorRtCacheDirectory = Path.GetTempPath() };
        using var fallback = Backbone.Load(BundledModel.Spec(), ExecutionProviders.BackboneOptions(options, 2, logger));
        using var cpu = Backbone.Load(BundledModel.Spec());

        Assert.Equal($"CPU (fallback from {name})", fallback.ExecutionProvider);
        Assert.Equal("CPU", cpu.ExecutionProvider);
        var warning = Assert.Single(logger.Lines);
        Assert.StartsWith($"Warning: {provider} execution provider unavailable: this is the CPU build", warning, StringComparison.Ordinal);
        Assert.Equal(Embed(cpu), Embed(fallback));
    }

    [Theory]
    [InlineData(nameof(ExecutionProvider.Cuda))]
    [InlineData(nameof(ExecutionProvider.TensorRt))]
    public void Load_GpuProviderUnavailableWithoutFallback_ThrowsOneLineNamingTheFix(string provider)
    {
        var options = new InferenceOptions { ExecutionProvider = Enum.Parse<ExecutionProvider>(provider), TensorRtCacheDirectory = Path.GetTempPath() };

        var error = Assert.Throws<GpuUnavailableException>(() => Backbone.Load(BundledModel.Spec(), ExecutionProviders.BackboneOptions(options, 2, new CollectingLogger())));

        Assert.Contains($"{provider} execution provider unavailable", error.Message, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_Inference__CpuFallback=true", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_ProviderFailsAfterOtherSettings_FallbackSessionKeepsNoneOfThem()
    {
        // Set before the failing provider, this setting would break the session (the bundled model is no ORT-format
        // file): the fallback session opening at all shows it started from clean options.
        var failures = 0;
        var options = new BackboneOptions
        {
            ProviderName = "test GPU",
            ConfigureSession = (session, _) =>
            {
                OrtFormatOnly(session);
                using var cuda = new OrtCUDAProviderOptions();
                session.AppendExecutionProvider_CUDA(cuda);
            },
            OnProviderFailure = _ => failures++,
        };
        using (var backbone = Backbone.Load(BundledModel.Spec(), options))
        {
            Assert.Equal("CPU (fallback from test GPU)", backbone.ExecutionProvider);
            Assert.Equal(1.0, Math.Sqrt(Embed(backbone)[..backbone.Width].Sum(v => (double)v * v)), 4);
        }

        Assert.Equal(1, failures);

        // The same setting kept (nothing fails) does break the session: the check above can fail.
        Assert.Throws<OnnxRuntimeException>(() => Backbone.Load(BundledModel.Spec(), new BackboneOptions { ConfigureSession = (session, _) => OrtFormatOnly(session) }));
    }

    [Fact]
    public void Load_ProviderFailsWithNoFailureHandler_PropagatesOnnxRuntimesError()
    {
        var options = new BackboneOptions
        {
            ConfigureSession = (session, _) =>
            {
                using var cuda = new OrtCUDAProviderOptions();
                session.AppendExecutionProvider_CUDA(cuda);
            },
        };

        Assert.Throws<OnnxRuntimeException>(() => Backbone.Load(BundledModel.Spec(), options));
    }

    private static void OrtFormatOnly(SessionOptions session) => session.AddSessionConfigEntry("session.load_model_format", "ORT");

    private static float[] Embed(Backbone backbone)
    {
        var embeddings = new float[2 * backbone.Width];
        backbone.Embed(Images.AsMemory(), 2, embeddings);
        return embeddings;
    }
}
