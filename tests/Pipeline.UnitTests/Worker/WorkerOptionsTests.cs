using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Worker;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

public sealed class WorkerOptionsTests
{
    [Theory]
    [InlineData(32, 32, 4)]
    [InlineData(64, 32, 8)]
    [InlineData(8, 3, 12)]
    [InlineData(1, 100, 4)]
    public void EffectivePrefetch_Auto_HoldsFourInferenceBatches(int batch, int messageSize, int expected) =>
        Assert.Equal(expected, new WorkerOptions { InferenceBatchSize = batch, ExpectedMessageSize = messageSize }.EffectivePrefetch);

    [Fact]
    public void EffectivePrefetch_Configured_WinsOverAuto() =>
        Assert.Equal(7, new WorkerOptions { Prefetch = 7 }.EffectivePrefetch);

    [Theory]
    [InlineData(nameof(ExecutionProvider.Cuda), 0, 8, 8)]
    [InlineData(nameof(ExecutionProvider.TensorRt), 4, 8, 8)]
    [InlineData(nameof(ExecutionProvider.Cpu), 0, 8, 8)]
    [InlineData(nameof(ExecutionProvider.Cpu), 2, 8, 6)]
    [InlineData(nameof(ExecutionProvider.Cpu), 8, 8, 1)]
    [InlineData(nameof(ExecutionProvider.Cpu), 1, 2, 1)]
    public void DefaultDecodeConcurrency_InferenceSettings_TakesTheCoresInferenceLeaves(string provider, int intraOpThreads, int cores, int expected) =>
        Assert.Equal(expected, WorkerOptions.DefaultDecodeConcurrency(
            new InferenceOptions { ExecutionProvider = Enum.Parse<ExecutionProvider>(provider) }.IsGpu, intraOpThreads, cores));

    [Theory]
    [InlineData("Cpu", "1", "0")]
    [InlineData("Cuda", "0", "0")]
    [InlineData("Cpu", "1", "5")]
    public void AddWorker_DecodeConcurrency_ResolvedFromInferenceUnlessSet(string provider, string intraOpThreads, string configured)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:ExecutionProvider"] = provider,
            ["Inference:IntraOpThreads"] = intraOpThreads,
            ["Worker:DecodeConcurrency"] = configured,
        });
        builder.AddWorker();
        using var host = builder.Build();

        var inference = host.Services.GetRequiredService<IOptions<InferenceOptions>>().Value;
        var expected = configured != "0"
            ? int.Parse(configured, System.Globalization.CultureInfo.InvariantCulture)
            : WorkerOptions.DefaultDecodeConcurrency(inference.IsGpu, inference.IntraOpThreads, Environment.ProcessorCount);
        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.EffectiveDecodeConcurrency);
    }
}
