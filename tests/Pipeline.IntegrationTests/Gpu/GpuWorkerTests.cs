using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;
using Pipeline.Worker;
using Pipeline.Worker.Inference;

namespace Pipeline.IntegrationTests.Gpu;

/// <summary>
/// The published GPU variant on this machine, which has no NVIDIA driver or CUDA libraries: what a GPU pod with the
/// wrong image or node does. With CPU fallback the worker warns once and stores the CPU build's vectors; without, it
/// exits with its own code and one line naming what is missing. Also holds the Dockerfile's CUDA base image to the
/// libraries the pinned package's providers link.
/// </summary>
public sealed partial class GpuWorkerTests(GpuPublishFixture gpu) : IClassFixture<GpuPublishFixture>
{
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(2);

    [Fact]
    public void CudaProvider_PackageNeeds_MatchTheDockerfileBaseImage()
    {
        var cuda = ElfDependencies.Needed(Path.Combine(gpu.Folder, GpuLibraries.CudaProvider));
        var tensorRt = ElfDependencies.Needed(Path.Combine(gpu.Folder, GpuLibraries.TensorRtProvider));
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile"));
        var image = CudaImage().Match(dockerfile);
        Assert.True(image.Success, "Dockerfile: no 'ARG CUDA_IMAGE=nvidia/cuda:X.Y.Z-cudnn-runtime-…' line");
        var major = image.Groups["major"].Value;

        // Every CUDA toolkit library the provider links must be the image's major, or the provider does not load there.
        foreach (var library in new[] { "libcudart.so.", "libcublas.so.", "libcublasLt.so." })
        {
            var soname = Assert.Single(cuda, n => n.StartsWith(library, StringComparison.Ordinal));
            Assert.True(soname == library + major, $"{GpuLibraries.CudaProvider} needs {soname}; the Dockerfile's base image {image.Value} has CUDA {major}");
        }

        // cuDNN is opened at run time by the CUDA provider; the TensorRT provider of the same package links the major.
        Assert.Contains(GpuLibraries.Cudnn, tensorRt);
        Assert.Contains(GpuLibraries.Driver, cuda);

        // The optional TensorRT layer installs the TensorRT major the provider links.
        var nvinfer = Assert.Single(tensorRt, n => n.StartsWith("libnvinfer.so.", StringComparison.Ordinal));
        Assert.Contains($"libnvinfer{nvinfer["libnvinfer.so.".Length..]} ", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cuda")]
    [InlineData("TensorRt")]
    public async Task PublishedGpuWorker_NoCudaAndNoFallback_ExitsWithItsCodeAndOneLineNamingTheMissingLibraries(string provider)
    {
        var environment = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("gpuoff"), "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Inference__ExecutionProvider"] = provider;
        await using var worker = WorkerProcess.Start(environment, gpu.WorkerDll);
        var exitCode = await worker.WaitForExitAsync(Start);

        Assert.True(exitCode == WorkerExitCodes.GpuUnavailable, $"exit {exitCode}:\n{worker.Log}");
        var line = Assert.Single(worker.Log.Split('\n'), l => l.Contains("execution provider unavailable", StringComparison.Ordinal));
        foreach (var library in new[] { "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9", "libcuda.so.1" })
        {
            Assert.Contains(library, line, StringComparison.Ordinal);
        }

        Assert.Contains(provider, line, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_Inference__CpuFallback=true", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", worker.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishedGpuWorker_CudaAndTensorRtWithCpuFallback_WarnOnceAndStoreTheCpuBuildsVectors()
    {
        var queuePrefix = "test." + Guid.NewGuid().ToString("N");
        var cpu = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("gpucpu"), queuePrefix);
        var cuda = FallbackEnvironment("Cuda", queuePrefix);
        var tensorRt = FallbackEnvironment("TensorRt", queuePrefix);
        await using var cpuWorker = WorkerProcess.Start(cpu);
        await using var cudaWorker = WorkerProcess.Start(cuda, gpu.WorkerDll);
        await using var tensorRtWorker = WorkerProcess.Start(tensorRt, gpu.WorkerDll);
        foreach (var worker in new[] { cpuWorker, cudaWorker, tensorRtWorker })
        {
            await worker.WaitUntilReadyAsync(Start);
        }

        using var scheduler = await SchedulerHarness.StartAsync(cpu);
        var expected = await EmbedSamplesAsync(scheduler, cpu);
        foreach (var (environment, worker, provider) in new[] { (cuda, cudaWorker, "Cuda"), (tensorRt, tensorRtWorker, "TensorRt") })
        {
            var warnings = worker.Log.Split('\n').Where(l => l.Contains("execution provider unavailable", StringComparison.Ordinal)).ToList();
            var warning = Assert.Single(warnings);
            Assert.Contains($"{provider} execution provider unavailable: missing", warning, StringComparison.Ordinal);
            Assert.Contains("libcudart.so.13", warning, StringComparison.Ordinal);
            Assert.Contains("Inference runs on CPU (fallback from", worker.Log, StringComparison.Ordinal);

            var actual = await EmbedSamplesAsync(scheduler, environment);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (uri, vector) in expected)
            {
                var difference = vector.Zip(actual[uri], (a, b) => Math.Abs(a - b)).Max();
                Assert.True(difference <= 1e-5f, $"{provider} fallback: {uri} differs from the CPU build by {difference}");
            }
        }

        foreach (var worker in new[] { cpuWorker, cudaWorker, tensorRtWorker })
        {
            Assert.True(await worker.StopAsync(Start) == 0, worker.Log);
        }
    }

    [Fact]
    public async Task CheckGpu_CudaWithFallback_PrintsTheCpuAsTheProviderUsedAndFails()
    {
        var environment = FallbackEnvironment("Cuda", "test." + Guid.NewGuid().ToString("N"));
        await using var check = WorkerProcess.Start(environment, gpu.WorkerDll, GpuCheck.Flag);
        var exitCode = await check.WaitForExitAsync(Start);

        Assert.True(exitCode == WorkerExitCodes.GpuUnavailable, $"exit {exitCode}:\n{check.Log}");
        Assert.Contains("execution provider: CPU (fallback from CUDA (device 0)) (configured: CUDA (device 0))", check.Log, StringComparison.Ordinal);
        Assert.Contains(": 1280 dims, batch of 32 ran", check.Log, StringComparison.Ordinal);
        // After the fallback: no CudaPinned allocator, so ordinary pinned memory, and CPU runs take turns.
        Assert.Contains("batch buffers: 2 in flight, pinned managed memory, IoBinding on, runs one at a time", check.Log, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> FallbackEnvironment(string provider, string queuePrefix)
    {
        var environment = ServiceEndpoints.ProcessEnvironment(ServiceEndpoints.NewModelId("gpu" + provider.ToLowerInvariant()), queuePrefix);
        environment["PIPELINE_Inference__ExecutionProvider"] = provider;
        environment["PIPELINE_Inference__CpuFallback"] = "true";
        return environment;
    }

    // The sample photos through the workers of the environment's model; their stored vectors by URI.
    private static async Task<Dictionary<string, float[]>> EmbedSamplesAsync(IHost scheduler, Dictionary<string, string> environment)
    {
        var modelId = environment["PIPELINE_Model__Id"];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var job = await scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(RepoPaths.SampleImages), modelId, force: false, 4, timeout.Token);
        while (!(await scheduler.Get<JobStore>().GetAsync(job.JobId, timeout.Token))!.Value.Status.IsComplete)
        {
            await Task.Delay(200, timeout.Token);
        }

        await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(timeout.Token);
        await using var command = new NpgsqlCommand($"SELECT uri, embedding::real[] FROM {ModelIdentity.TableFor(modelId)}", connection);
        await using var reader = await command.ExecuteReaderAsync(timeout.Token);
        var vectors = new Dictionary<string, float[]>();
        while (await reader.ReadAsync(timeout.Token))
        {
            vectors[reader.GetString(0)] = reader.GetFieldValue<float[]>(1);
        }

        Assert.NotEmpty(vectors);
        return vectors;
    }

    [GeneratedRegex(@"ARG CUDA_IMAGE=nvidia/cuda:(?<major>\d+)\.\d+(\.\d+)?-cudnn-runtime-ubuntu[\d.]+")]
    private static partial Regex CudaImage();
}
