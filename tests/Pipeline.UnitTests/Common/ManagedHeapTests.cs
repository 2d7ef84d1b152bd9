using Pipeline.Common;

namespace Pipeline.UnitTests.Common;

public sealed class ManagedHeapTests
{
    [Theory]
    [InlineData(16L * 1024 * 1024, "0x1000000", "16 MiB (DOTNET_GCgen0size=0x1000000)")]
    [InlineData(16L * 1024 * 1024, " 1000000g ", "16 MiB (DOTNET_GCgen0size=1000000g)")]
    [InlineData(80L * 1024 * 1024, null, "80 MiB (DOTNET_GCgen0size unset: from the CPU cache)")]
    [InlineData(80L * 1024 * 1024, " ", "80 MiB (DOTNET_GCgen0size unset: from the CPU cache)")]
    [InlineData(6_291_456L + 104_858, null, "6.1 MiB (DOTNET_GCgen0size unset: from the CPU cache)")]
    [InlineData(80L * 1024 * 1024, "0x100", "80 MiB (DOTNET_GCgen0size=0x100)")]
    [InlineData(null, "0x1000000", "unknown")]
    [InlineData(0L, null, "unknown")]
    public void Describe_Budget_NamesSizeAndTheVariableAsSet(long? bytes, string? variable, string expected) =>
        Assert.Equal(expected, ManagedHeap.Describe(bytes, variable));

    [Fact]
    public void Gen0Budget_AsTheRuntimeParsesIt_Is16MiB() =>
        Assert.Equal(16L * 1024 * 1024, Convert.ToInt64(ManagedHeap.Gen0Budget, 16));

    [Fact]
    public void CurrentGen0Budget_ThisProcess_IsReported() =>
        Assert.True(ManagedHeap.CurrentGen0Budget() > 0);
}
