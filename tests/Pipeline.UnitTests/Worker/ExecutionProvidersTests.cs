namespace Pipeline.UnitTests.Worker;

using Microsoft.ML.OnnxRuntime;
using Pipeline.Worker.Inference;

public sealed class ExecutionProvidersTests
{
    [Fact]
    public void Configure_Cpu_LeavesTheSessionAlone() =>
        Assert.Null(ExecutionProviders.Configure(ExecutionProvider.Cpu));

    [Fact]
    public void Configure_CudaOnTheCpuBuild_FailsInsteadOfRunningOnTheCpu()
    {
        using var options = new SessionOptions();
        var configure = ExecutionProviders.Configure(ExecutionProvider.Cuda)!;

        // These tests run on the CPU build of ONNX Runtime: a GPU pod with the wrong image must not start.
        var failure = Assert.Throws<InvalidOperationException>(() => configure(options));
        Assert.Contains("UseGpu=true", failure.Message, StringComparison.Ordinal);
    }
}
