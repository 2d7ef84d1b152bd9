using Pipeline.Common.Inference;
using Pipeline.UnitTests.Inference;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

public sealed class ExecutionProvidersTests
{
    private static readonly ModelInput Nchw = new("input", [3, 224, 224]);
    private static readonly ModelInput Nhwc = new("input_1", [299, 299, 3]);

    [Fact]
    public void Plan_Cpu_AppendsNoProvider() =>
        Assert.Empty(ExecutionProviders.Plan(new InferenceOptions(), Nchw, 32));

    [Fact]
    public void Plan_Cuda_UsesTheConfiguredDevice()
    {
        var plan = ExecutionProviders.Plan(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda, DeviceId = 1 }, Nchw, 32);

        var cuda = Assert.Single(plan);
        Assert.Equal(ExecutionProvider.Cuda, cuda.Provider);
        Assert.Equal("1", cuda.Options["device_id"]);
        Assert.Equal("1", cuda.Options["do_copy_in_default_stream"]);
    }

    [Fact]
    public void Plan_TensorRt_PutsTensorRtFirstThenCudaForTheRest()
    {
        var plan = ExecutionProviders.Plan(new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt }, Nchw, 32);

        Assert.Equal([ExecutionProvider.TensorRt, ExecutionProvider.Cuda], plan.Select(p => p.Provider));
        Assert.All(plan, p => Assert.Equal("0", p.Options["device_id"]));
    }

    [Fact]
    public void Plan_TensorRt_CachesEnginesInTheConfiguredFolder()
    {
        var options = new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt, TensorRtCacheDirectory = "/cache/trt" };

        var tensorRt = ExecutionProviders.Plan(options, Nchw, 32)[0].Options;

        Assert.Equal("1", tensorRt["trt_engine_cache_enable"]);
        Assert.Equal("/cache/trt", tensorRt["trt_engine_cache_path"]);
        Assert.Equal("1", tensorRt["trt_timing_cache_enable"]);
        Assert.Equal("/cache/trt", tensorRt["trt_timing_cache_path"]);
    }

    [Fact]
    public void Plan_TensorRtWithoutCacheFolder_UsesTheTempFolder() =>
        Assert.Equal(
            Path.Combine(Path.GetTempPath(), "pipeline", "tensorrt"),
            ExecutionProviders.Plan(new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt }, Nchw, 8)[0].Options["trt_engine_cache_path"]);

    [Theory]
    [InlineData(false, "0")]
    [InlineData(true, "1")]
    public void Plan_TensorRt_BuildsFloat16EnginesOnlyWhenAsked(bool fp16, string expected) =>
        Assert.Equal(
            expected,
            ExecutionProviders.Plan(new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt, Fp16 = fp16 }, Nchw, 32)[0].Options["trt_fp16_enable"]);

    [Fact]
    public void Plan_TensorRtNchw_ProfilesBatchesFromOneToTheBatchSize()
    {
        var tensorRt = ExecutionProviders.Plan(new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt }, Nchw, 32)[0].Options;

        Assert.Equal("input:1x3x224x224", tensorRt["trt_profile_min_shapes"]);
        Assert.Equal("input:32x3x224x224", tensorRt["trt_profile_opt_shapes"]);
        Assert.Equal("input:32x3x224x224", tensorRt["trt_profile_max_shapes"]);
    }

    [Fact]
    public void Plan_TensorRtNhwc_ProfilesTheModelsOwnInput()
    {
        var tensorRt = ExecutionProviders.Plan(new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt }, Nhwc, 16)[0].Options;

        Assert.Equal("input_1:1x299x299x3", tensorRt["trt_profile_min_shapes"]);
        Assert.Equal("input_1:16x299x299x3", tensorRt["trt_profile_max_shapes"]);
    }

    [Fact]
    public void BackboneOptions_Cpu_LeavesTheSessionToOnnxRuntimesDefaults()
    {
        var backbone = ExecutionProviders.BackboneOptions(new InferenceOptions { IntraOpThreads = 3 }, 32, new CollectingLogger());

        Assert.Null(backbone.ConfigureSession);
        Assert.False(backbone.UseIoBinding);
        Assert.False(backbone.AllowSpinning);
        Assert.Equal(3, backbone.IntraOpThreads);
    }

    [Theory]
    [InlineData(nameof(ExecutionProvider.Cuda), null, true)]
    [InlineData(nameof(ExecutionProvider.TensorRt), null, true)]
    [InlineData(nameof(ExecutionProvider.Cuda), false, false)]
    [InlineData(nameof(ExecutionProvider.Cpu), true, true)]
    public void BackboneOptions_IoBinding_IsOnForGpusUnlessSetOtherwise(string provider, bool? setting, bool expected) =>
        Assert.Equal(
            expected,
            ExecutionProviders.BackboneOptions(new InferenceOptions { ExecutionProvider = Enum.Parse<ExecutionProvider>(provider), IoBinding = setting },
                32, new CollectingLogger()).UseIoBinding);

    [Fact]
    public void Load_CudaWithCpuFallbackOnTheCpuBuild_EmbedsOnTheCpuAndWarns()
    {
        var logger = new CollectingLogger();
        var options = ExecutionProviders.BackboneOptions(
            new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda, CpuFallback = true, IntraOpThreads = 1 }, 4, logger);

        using var backbone = Backbone.Load(BundledModel.Spec(), options);
        var embedding = new float[backbone.Width];
        backbone.Embed(new float[BundledModel.ImageLength].AsMemory(), 1, embedding);

        Assert.True(backbone.UsesIoBinding);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 4);
        Assert.Contains(logger.Lines, l => l.StartsWith("Warning: Cuda execution provider unavailable", StringComparison.Ordinal));
    }
}
