using System.ComponentModel.DataAnnotations;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

public sealed class InferenceOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValidAndRunOnTheCpuWithoutSpinning()
    {
        var options = new InferenceOptions();

        Assert.Empty(Validate(options));
        Assert.Equal(ExecutionProvider.Cpu, options.ExecutionProvider);
        Assert.False(options.AllowSpinning);
        Assert.False(options.EffectiveIoBinding);
        Assert.Equal(1, options.EffectiveBatchesInFlight);
    }

    [Theory]
    [InlineData(nameof(ExecutionProvider.Cuda))]
    [InlineData(nameof(ExecutionProvider.TensorRt))]
    public void BatchesInFlight_Unset_IsTwoForGpuProviders(string provider) =>
        Assert.Equal(2, new InferenceOptions { ExecutionProvider = Enum.Parse<ExecutionProvider>(provider) }.EffectiveBatchesInFlight);

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    public void BatchesInFlight_Set_IsUsed(int setting, int expected) =>
        Assert.Equal(expected, new InferenceOptions { BatchesInFlight = setting }.EffectiveBatchesInFlight);

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    public void BatchesInFlight_OutOfRange_IsRefused(int setting) =>
        Assert.Contains(Validate(new InferenceOptions { BatchesInFlight = setting }), r => r.MemberNames.Contains(nameof(InferenceOptions.BatchesInFlight)));

    [Theory]
    [InlineData(nameof(ExecutionProvider.Cpu))]
    [InlineData(nameof(ExecutionProvider.Cuda))]
    public void Fp16_WithoutTensorRt_IsRefused(string provider) =>
        Assert.Contains(Validate(new InferenceOptions { ExecutionProvider = Enum.Parse<ExecutionProvider>(provider), Fp16 = true }),
            r => r.MemberNames.Contains(nameof(InferenceOptions.Fp16)));

    [Fact]
    public void Fp16_WithTensorRt_IsValid() =>
        Assert.Empty(Validate(new InferenceOptions { ExecutionProvider = ExecutionProvider.TensorRt, Fp16 = true }));

    [Fact]
    public void CpuFallback_OnTheCpu_IsRefused() =>
        Assert.Contains(Validate(new InferenceOptions { CpuFallback = true }), r => r.MemberNames.Contains(nameof(InferenceOptions.CpuFallback)));

    [Theory]
    [InlineData(-1)]
    [InlineData(64)]
    public void DeviceId_OutOfRange_IsRefused(int device) =>
        Assert.Contains(Validate(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda, DeviceId = device }),
            r => r.MemberNames.Contains(nameof(InferenceOptions.DeviceId)));

    private static List<ValidationResult> Validate(InferenceOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
